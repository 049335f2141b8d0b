package dev.jmdm.apns;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * An MDM push certificate with its private key: the TLS client identity for APNs, and through its subject UID the
 * topic that every enrollment using it reports in TokenUpdate.
 *
 * <p>Constructing one checks what holds forever (an MDM topic, a matching key); the {@code from…} factories also
 * refuse certificates outside their validity period at the given clock's time.
 */
public record PushCertificate(X509Certificate certificate, PrivateKey privateKey) {

    public PushCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        PushTopic.of(certificate);
        KeyMatch.require(certificate, privateKey);
    }

    /** From a certificate and an unencrypted private key in PEM, concatenated in either order. */
    public static PushCertificate fromPem(String pem, Clock clock) {
        return validated(PushCertificatePem.read(pem), "PEM text", clock);
    }

    /** From a PKCS#12 file (as exported from Keychain Access) and its password, which may be empty but not null. */
    public static PushCertificate fromPkcs12(byte[] p12, char[] password, Clock clock) {
        Objects.requireNonNull(password, "password (use an empty array for none)");
        return validated(PushCertificatePkcs12.read(p12, password), "PKCS#12 file", clock);
    }

    /** Checked in this order so each message names the first thing to fix, and names the topic once it is known. */
    private static PushCertificate validated(PushCertificatePem.Contents contents, String source, Clock clock) {
        X509Certificate certificate = contents.certificate();
        if (certificate == null) {
            throw new PushCertificateException("the " + source + " holds no certificate; expected the MDM push"
                    + " certificate from https://identity.apple.com together with its private key");
        }
        String topic = PushTopic.of(certificate);
        requireValidAt(certificate, topic, clock.instant());
        if (contents.privateKey() == null) {
            throw new PushCertificateException("the " + source + " holds the certificate for topic " + topic
                    + " but no private key; include the unencrypted key that made the certificate signing request");
        }
        return new PushCertificate(certificate, contents.privateKey());
    }

    private static void requireValidAt(X509Certificate certificate, String topic, Instant now) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (now.isAfter(notAfter)) {
            // Renewing keeps the topic; a brand-new certificate gets a new topic and every device would have to
            // enroll again, hence the advice.
            throw new PushCertificateException("the push certificate for topic " + topic + " expired on " + notAfter
                    + "; renew it (do not create a new one) at https://identity.apple.com");
        }
        Instant notBefore = certificate.getNotBefore().toInstant();
        if (now.isBefore(notBefore)) {
            throw new PushCertificateException("the push certificate for topic " + topic + " is not valid until "
                    + notBefore + "; check this server's clock");
        }
    }

    /** The APNs topic, from the subject's UID attribute, e.g. {@code com.apple.mgmt.External.<uuid>}. */
    public String topic() {
        return PushTopic.of(certificate);
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** The certificate alone as PEM, for a store that keeps certificate and key apart. */
    public String certificatePem() {
        return PushCertificatePem.certificate(certificate);
    }

    /** The private key alone as unencrypted PKCS#8 PEM. */
    public String privateKeyPem() {
        return PushCertificatePem.privateKey(privateKey);
    }

    /** Certificate then key, in the form {@link #fromPem} reads back. */
    public String toPem() {
        return certificatePem() + privateKeyPem();
    }

    /** Never prints the key: the JDK's RSA key {@code toString} includes the private exponent. */
    @Override
    public String toString() {
        return "PushCertificate[topic=" + topic() + ", notAfter=" + notAfter() + "]";
    }
}
