package dev.jmdm.apns;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;

/** Checks that a private key belongs to a certificate. */
final class KeyMatch {
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyMatch() {
    }

    /**
     * Signs a random challenge with the key and verifies it with the certificate's public key: one check for every key
     * type, where comparing key fields would need a case per algorithm. A mismatch would otherwise surface only as a
     * TLS handshake failure against APNs, long after the upload.
     */
    static void require(X509Certificate certificate, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> throw new PushCertificateException("the private key is of type " + key.getAlgorithm()
                    + "; push certificates use RSA (or EC) keys");
        };
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JDK", e);
        } catch (GeneralSecurityException e) {
            // an RSA key against an EC certificate (or the reverse) cannot even initialise: a mismatch too
            matches = false;
        }
        if (!matches) {
            throw new PushCertificateException("the private key does not belong to the certificate (subject "
                    + certificate.getSubjectX500Principal().getName() + "); upload the key that made the certificate"
                    + " signing request");
        }
    }
}
