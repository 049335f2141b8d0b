/**
 * GitOps for {@code jmdm apply} and {@code jmdm export}: a folder of YAML and profile files read and checked as a
 * whole ({@link FolderReader}), compared with what the server holds ({@link ServerState}, {@link Planner}), and
 * applied in dependency order ({@link Applier}); or the server written out as such a folder ({@link Exporter}).
 */
package dev.jmdm.cli.gitops;
