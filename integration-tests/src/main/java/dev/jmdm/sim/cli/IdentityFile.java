package dev.jmdm.sim.cli;

import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A device identity from PEM: the certificate (then its chain) and its private key, as {@code certs-dev issue-device}
 * writes them ({@code devices/UDID.pem} and {@code devices/UDID.key}), or both in one text (the state file).
 */
final class IdentityFile {
    private IdentityFile() {
    }

    /** {@code cert} and {@code key}; key null means the file beside {@code cert} with {@code .key} for {@code .pem}. */
    static Issued read(Path cert, Path key) throws IOException {
        Path keyFile = key != null ? key : cert.resolveSibling(cert.getFileName().toString().replaceFirst("\\.pem$", "") + ".key");
        String certText = Files.readString(cert, StandardCharsets.US_ASCII);
        if (!Files.exists(keyFile) && Pem.privateKey(certText) != null) {
            return parse(certText, cert.toString());
        }
        return parse(certText + "\n" + Files.readString(keyFile, StandardCharsets.US_ASCII), cert + " with " + keyFile);
    }

    static Issued parse(String pem, String where) {
        List<X509Certificate> certs;
        PrivateKey key;
        try {
            certs = Pem.certificates(pem);
            key = Pem.privateKey(pem);
        } catch (IllegalArgumentException e) {
            throw new CliFailure("identity " + where + ": " + e.getMessage());
        }
        if (certs.isEmpty()) {
            throw new CliFailure("identity " + where + ": no PEM certificate in it");
        }
        if (key == null) {
            throw new CliFailure("identity " + where + ": no PEM private key in it");
        }
        if (!matches(certs.get(0), key)) {
            throw new CliFailure("identity " + where + ": the private key is not the certificate's");
        }
        return new Issued(certs.get(0), key, certs.subList(1, certs.size()));
    }

    static String toPem(Issued identity) {
        return Pem.encode(identity.fullChain(), identity.privateKey());
    }

    /** certs-dev puts the UDID in the subject's CN. */
    static String commonName(X509Certificate cert) {
        for (String part : cert.getSubjectX500Principal().getName().split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return null;
    }

    private static boolean matches(X509Certificate cert, PrivateKey key) {
        try {
            String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
            byte[] probe = "mdm-sim".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
