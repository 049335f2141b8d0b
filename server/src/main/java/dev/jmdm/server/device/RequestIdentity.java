package dev.jmdm.server.device;

/**
 * The verified certificate a device request was made with: its SHA-256 (what enrollments are
 * bound to) and expiry. Null identity means the request came through /migration.
 */
public record RequestIdentity(String certSha256, long notAfterMillis) {
}
