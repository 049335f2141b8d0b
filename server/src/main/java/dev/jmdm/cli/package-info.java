/**
 * {@code jmdm}, the admin command line: picocli commands that talk to a server's JSON admin API over HTTP only
 * (java.net.http), so the CLI works against any server version that speaks the same API.
 */
package dev.jmdm.cli;
