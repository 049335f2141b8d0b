package dev.jmdm.certsdev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.Set;

/** Chain validation the way a relying party does it: JDK PKIX against one trust anchor, no revocation. */
final class Pkix {
    static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private Pkix() {
    }

    /** Validates leaf-first certificates (the anchor may be among them) now, requiring the EKU on the leaf. */
    static PKIXCertPathValidatorResult validate(List<X509Certificate> leafFirst, X509Certificate anchor, String eku)
            throws GeneralSecurityException {
        return validate(leafFirst, anchor, eku, null);
    }

    static PKIXCertPathValidatorResult validate(List<X509Certificate> leafFirst, X509Certificate anchor, String eku,
            Date at) throws GeneralSecurityException {
        List<X509Certificate> path = leafFirst.stream().filter(c -> !c.equals(anchor)).toList();
        CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
        params.setRevocationEnabled(false);
        if (at != null) {
            params.setDate(at);
        }
        if (eku != null) {
            X509CertSelector target = new X509CertSelector();
            try {
                target.setExtendedKeyUsage(Set.of(eku));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            params.setTargetCertConstraints(target);
        }
        return (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(certPath, params);
    }

    /** Validates the certificates of a PEM file against the single certificate of a CA PEM file. */
    static PKIXCertPathValidatorResult validateFiles(Path certFile, Path caFile, String eku) throws Exception {
        List<X509Certificate> anchors = Pem.certificates(Files.readString(caFile));
        if (anchors.size() != 1) {
            throw new AssertionError(caFile + " should hold exactly one certificate but holds " + anchors.size());
        }
        return validate(Pem.certificates(Files.readString(certFile)), anchors.get(0), eku);
    }
}
