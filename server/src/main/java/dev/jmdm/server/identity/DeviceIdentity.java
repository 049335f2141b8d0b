package dev.jmdm.server.identity;

import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * The device certificate that made a request, already validated against the MDM CA.
 *
 * @param certificate the device's identity certificate
 * @param sha256 {@link CertificateFingerprint#sha256Hex} of it, the key enrollments are bound to
 * @param source how the request proved it
 */
public record DeviceIdentity(X509Certificate certificate, String sha256, Source source) {

    /** Where the certificate came from. */
    public enum Source {
        /** The {@code Mdm-Signature} header: a CMS signature over the body. */
        MDM_SIGNATURE,
        /** The TLS client certificate the server itself saw. */
        TLS_CLIENT_CERTIFICATE,
        /** A client certificate forwarded by a trusted reverse proxy in a header. */
        PROXY_HEADER
    }

    public DeviceIdentity {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(source, "source");
    }
}
