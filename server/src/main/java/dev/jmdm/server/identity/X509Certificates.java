package dev.jmdm.server.identity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Certificate decoding through BouncyCastle rather than the JDK. Device identities issued over SCEP often have an
 * empty subject and no subjectAltName (both nanomdm vectors do); the JDK's parser refuses those ("subject field is
 * empty, and SubjectAlternativeName extension is absent", RFC 5280 §4.1.2.6), BouncyCastle reads them. The provider
 * is used directly, never registered globally.
 */
final class X509Certificates {
    static final Provider PROVIDER = new BouncyCastleProvider();

    /**
     * Looking up BouncyCastle's factory costs far more than parsing a certificate, and an instance keeps state
     * between calls (for PKCS#7 streams), so each thread keeps its own.
     */
    private static final ThreadLocal<CertificateFactory> FACTORY = ThreadLocal.withInitial(() -> {
        try {
            return CertificateFactory.getInstance("X.509", PROVIDER);
        } catch (CertificateException e) {
            throw new IllegalStateException("BouncyCastle has no X.509 CertificateFactory", e);
        }
    });

    private X509Certificates() {
    }

    /**
     * The certificate that {@code der} is, exactly: one X.509 Certificate structure and nothing after it (not a
     * PKCS#7 bundle, which BouncyCastle's CertificateFactory would also take).
     */
    static X509Certificate fromDer(byte[] der) throws CertificateException {
        X509CertificateHolder holder;
        try {
            holder = new X509CertificateHolder(der);
        } catch (IOException | RuntimeException e) {
            throw new CertificateException("malformed certificate: " + e.getMessage(), e);
        }
        return fromHolder(holder);
    }

    static X509Certificate fromHolder(X509CertificateHolder holder) throws CertificateException {
        return fromStructure(holder.toASN1Structure());
    }

    private static X509Certificate fromStructure(Certificate structure) throws CertificateException {
        try {
            return (X509Certificate) FACTORY.get().generateCertificate(new ByteArrayInputStream(structure.getEncoded()));
        } catch (IOException | RuntimeException e) {
            throw new CertificateException("malformed certificate: " + e.getMessage(), e);
        }
    }
}
