package dev.jmdm.server.config;

import dev.jmdm.server.tls.PemIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The PEM files settings name, checked at start: a file that cannot serve its purpose would start a server that trusts
 * nothing, or cannot sign, with no word of why.
 */
final class PemFiles {
    private PemFiles() {
    }

    /** A readable PEM file with at least one certificate in it; null stays null. */
    static Path certificates(String name, Path file, String wanted) {
        if (file == null) {
            return null;
        }
        if (!Files.isReadable(file)) {
            throw new SettingsException(name + ": cannot read '" + file + "'; give " + wanted);
        }
        try {
            if (!PemIdentity.certificates(file).isEmpty()) {
                return file;
            }
        } catch (IllegalArgumentException e) {
            throw new SettingsException(name + ": " + e.getMessage() + "; give " + wanted);
        }
        throw new SettingsException(name + ": '" + file + "' " + withoutCertificates(file) + "; give " + wanted);
    }

    /** What a PEM file without certificates holds instead, so the operator sees which file they mixed up. */
    private static String withoutCertificates(Path file) {
        try {
            if (Files.readString(file, StandardCharsets.ISO_8859_1).isBlank()) {
                return "is empty";
            }
        } catch (IOException e) {
            return "cannot be read: " + e.getMessage();
        }
        try {
            PemIdentity.privateKey(file);
            return "holds a private key but no certificate";
        } catch (IllegalArgumentException noKey) {
            return "holds no PEM certificate (no -----BEGIN CERTIFICATE----- block; a DER file converts with "
                    + "openssl x509 -inform der -in FILE -out FILE.pem)";
        }
    }

    /**
     * A certificate file and its key file: both or neither, readable, the key belonging to the certificate.
     *
     * @return true when both are given
     */
    static boolean identity(String certName, Path cert, String keyName, Path key) {
        EnrollSettings.bothOrNeither(certName, cert, keyName, key);
        if (cert == null) {
            return false;
        }
        readable(certName, cert);
        readable(keyName, key);
        try {
            PemIdentity.load(cert, key);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(certName + "/" + keyName + ": " + e.getMessage());
        }
        return true;
    }

    private static void readable(String name, Path file) {
        if (!Files.isReadable(file)) {
            throw new SettingsException(name + ": cannot read '" + file + "'");
        }
    }
}
