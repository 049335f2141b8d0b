package dev.jmdm.server.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** The fingerprint by which the server binds a device certificate to an enrollment. */
public final class CertificateFingerprint {
    private static final HexFormat HEX = HexFormat.of();

    private CertificateFingerprint() {
    }

    /** Lowercase hex of the SHA-256 of the certificate's DER encoding (as {@code openssl x509 -fingerprint -sha256}, without colons). */
    public static String sha256Hex(X509Certificate certificate) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode certificate " + certificate.getSubjectX500Principal(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
