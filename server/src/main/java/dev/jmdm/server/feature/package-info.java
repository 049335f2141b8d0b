/**
 * How a feature joins the server: {@link dev.jmdm.server.feature.Feature}, the one shape every feature has (built from
 * its settings and the {@link dev.jmdm.server.feature.Services} it shares, then started and closed by the server).
 */
package dev.jmdm.server.feature;
