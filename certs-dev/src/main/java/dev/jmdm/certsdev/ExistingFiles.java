package dev.jmdm.certsdev;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Reads files an earlier run wrote and checks they still fit together. Every failure is a
 * {@link DevStackException} naming the file and what to do about it.
 */
final class ExistingFiles {
    private ExistingFiles() {
    }

    /** A certificate file (leaf first, then its chain) and its key file, checked to belong together. */
    static Issued readIdentity(Path certFile, Path keyFile) throws IOException {
        List<X509Certificate> certs;
        try {
            certs = Pem.certificates(read(certFile));
        } catch (IllegalArgumentException e) {
            throw new DevStackException(certFile + " is not a PEM certificate file: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new DevStackException(certFile + " holds no PEM certificate");
        }
        PrivateKey key;
        try {
            key = Pem.privateKey(read(keyFile));
        } catch (IllegalArgumentException e) {
            throw new DevStackException(keyFile + " is not a PEM private key file: " + e.getMessage(), e);
        }
        if (key == null) {
            throw new DevStackException(keyFile + " holds no PEM private key");
        }
        X509Certificate cert = certs.get(0);
        if (!KeyAlgorithm.matches(key, cert.getPublicKey())) {
            throw new DevStackException(keyFile + " is not the private key of " + certFile);
        }
        return new Issued(cert, key, certs.subList(1, certs.size()));
    }

    /** A CA certificate and key; fails when the certificate is not a CA or has expired. */
    static CertificateAuthority readCa(Path certFile, Path keyFile) throws IOException {
        Issued issued = readIdentity(certFile, keyFile);
        if (issued.certificate().getBasicConstraints() < 0) {
            throw new DevStackException(certFile + " is not a CA certificate");
        }
        requireCurrent(issued.certificate(), certFile, "re-run with --force to make a new PKI (this replaces every file)");
        return CertificateAuthority.of(issued);
    }

    static void requireCurrent(X509Certificate cert, Path certFile, String remedy) {
        try {
            cert.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new DevStackException(certFile + " expired on " + cert.getNotAfter().toInstant() + ": " + remedy, e);
        } catch (CertificateNotYetValidException e) {
            throw new DevStackException(
                    certFile + " is not valid before " + cert.getNotBefore().toInstant() + ": " + remedy, e);
        }
    }

    static void requireIssuedBy(X509Certificate cert, Path certFile, CertificateAuthority ca, Path caFile,
            String remedy) {
        boolean issued = cert.getIssuerX500Principal().equals(ca.certificate().getSubjectX500Principal());
        if (issued) {
            try {
                cert.verify(ca.certificate().getPublicKey());
            } catch (GeneralSecurityException e) {
                issued = false;
            }
        }
        if (!issued) {
            throw new DevStackException(
                    certFile + " was not issued by " + caFile + " (was the CA replaced?): " + remedy);
        }
    }

    /** A password file's content; surrounding white space (a newline added by an editor) is not part of it. */
    static String readPassword(Path file) throws IOException {
        return read(file).strip();
    }

    private static String read(Path file) throws IOException {
        // Latin-1 never fails to decode, so a stray byte is reported by the PEM parser, not as a charset error.
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }
}
