package dev.jmdm.apns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.X509Certificate;
import java.util.Collections;

/** A PKCS#12 file as Keychain Access exports the push certificate with its key. */
final class PushCertificatePkcs12 {
    private PushCertificatePkcs12() {
    }

    /** The first key entry's key and leaf certificate; without a key entry, the first certificate alone. */
    static PushCertificatePem.Contents read(byte[] p12, char[] password) {
        if (p12 == null || p12.length == 0) {
            throw new PushCertificateException("the push certificate PKCS#12 file is empty");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(p12), password);
            X509Certificate firstCertificate = null;
            for (String alias : Collections.list(store.aliases())) {
                if (!(store.getCertificate(alias) instanceof X509Certificate certificate)) {
                    continue;
                }
                if (store.isKeyEntry(alias)) {
                    return new PushCertificatePem.Contents(certificate, (PrivateKey) store.getKey(alias, password));
                }
                if (firstCertificate == null) {
                    firstCertificate = certificate;
                }
            }
            return new PushCertificatePem.Contents(firstCertificate, null);
        } catch (IOException e) {
            // The JDK reports a wrong password as an IOException caused by UnrecoverableKeyException.
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new PushCertificateException("cannot open the PKCS#12 file: the password is wrong", e);
            }
            throw new PushCertificateException("the push certificate is not a valid PKCS#12 file: " + e.getMessage(), e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new PushCertificateException("the push certificate is not a valid PKCS#12 file: " + e.getMessage(), e);
        }
    }
}
