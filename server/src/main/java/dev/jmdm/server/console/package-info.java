/**
 * The admin console (issue #18): its files are served from the jar under {@code /ui/} by {@code http.ConsoleAssets} (no
 * sign-in needed: the data all comes from the API, which refuses without it) and the live event stream the
 * pages listen to ({@link EventStream}, {@code GET /v1/stream}), wired by {@link ConsoleFeature}.
 */
package dev.jmdm.server.console;
