package dev.jmdm.apns;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM text as nanomdm's {@code PUT /v1/pushcert} takes it: a certificate and an unencrypted private key (PKCS#1
 * {@code RSA PRIVATE KEY}, SEC1 {@code EC PRIVATE KEY} or PKCS#8 {@code PRIVATE KEY}) concatenated, in either order.
 */
final class PushCertificatePem {
    private PushCertificatePem() {
    }

    /** What the text holds; either part may be null, so the caller can say which one is missing. */
    record Contents(X509Certificate certificate, PrivateKey privateKey) {
    }

    /** The first certificate and the first private key; a chain after the leaf is ignored, APNs does not need it. */
    static Contents read(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new PushCertificateException("the push certificate PEM text is empty");
        }
        X509Certificate certificate = null;
        PrivateKey key = null;
        boolean sawBlock = false;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                sawBlock = true;
                if (block instanceof X509CertificateHolder holder && certificate == null) {
                    certificate = new JcaX509CertificateConverter().getCertificate(holder);
                } else if (block instanceof PEMKeyPair pair && key == null) {
                    key = new JcaPEMKeyConverter().getPrivateKey(pair.getPrivateKeyInfo());
                } else if (block instanceof PrivateKeyInfo info && key == null) {
                    key = new JcaPEMKeyConverter().getPrivateKey(info);
                } else if (block instanceof PEMEncryptedKeyPair || block instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new PushCertificateException("the private key is encrypted; upload it unencrypted"
                            + " (for example: openssl pkey -in key.pem -out key-unencrypted.pem)");
                }
            }
        } catch (PushCertificateException e) {
            throw e;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // BouncyCastle reports malformed base64 and DER as assorted runtime exceptions; this is untrusted upload
            // text, so every one of them means "bad PEM", not a server fault.
            throw new PushCertificateException("the push certificate is not valid PEM: " + e.getMessage(), e);
        }
        if (!sawBlock) {
            throw new PushCertificateException("the push certificate text holds no PEM blocks; expected a"
                    + " -----BEGIN CERTIFICATE----- block and a -----BEGIN PRIVATE KEY----- (or RSA PRIVATE KEY) block");
        }
        return new Contents(certificate, key);
    }

    static String certificate(X509Certificate certificate) {
        try {
            return encode("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode a certificate that was decoded before", e);
        }
    }

    /** PKCS#8, which every key type shares; {@link #read} takes it back. */
    static String privateKey(PrivateKey key) {
        return encode("PRIVATE KEY", key.getEncoded());
    }

    private static String encode(String type, byte[] der) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
