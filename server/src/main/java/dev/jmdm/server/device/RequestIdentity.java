package dev.jmdm.server.device;

import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * The verified certificate a device request was made with and its SHA-256 (what enrollments are
 * bound to). Null identity means the request came through /migration.
 */
public record RequestIdentity(String certSha256, X509Certificate certificate) {
    public RequestIdentity {
        Objects.requireNonNull(certSha256, "certSha256");
        Objects.requireNonNull(certificate, "certificate");
    }

    public long notAfterMillis() {
        return certificate.getNotAfter().getTime();
    }

    public long notBeforeMillis() {
        return certificate.getNotBefore().getTime();
    }
}
