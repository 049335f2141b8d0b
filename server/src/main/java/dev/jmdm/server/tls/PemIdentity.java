package dev.jmdm.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.X509TrustedCertificateBlock;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A certificate, the chain after it, and its private key, read from PEM files as operators have them: the
 * certificate file may hold the whole chain (leaf first, as nginx and certs-dev write it); the key may be
 * PKCS#8 ({@code BEGIN PRIVATE KEY}) or OpenSSL's traditional RSA/EC form. Encrypted keys are refused with a
 * message saying so. The key must belong to the first certificate.
 */
public record PemIdentity(X509Certificate certificate, List<X509Certificate> chain, PrivateKey privateKey) {
    public PemIdentity {
        chain = List.copyOf(chain);
    }

    /** The certificate followed by its chain. */
    public List<X509Certificate> fullChain() {
        List<X509Certificate> all = new ArrayList<>(chain.size() + 1);
        all.add(certificate);
        all.addAll(chain);
        return all;
    }

    /**
     * Reads and checks a certificate file and its key file.
     *
     * @throws IllegalArgumentException with a message fit for the operator (which file, what is wrong)
     */
    public static PemIdentity load(Path certFile, Path keyFile) {
        List<X509Certificate> certs = certificates(certFile);
        if (certs.isEmpty()) {
            throw new IllegalArgumentException(certFile + " holds no PEM CERTIFICATE block");
        }
        PrivateKey key = privateKey(keyFile);
        if (!matches(key, certs.get(0).getPublicKey())) {
            throw new IllegalArgumentException("the key in " + keyFile + " does not belong to the first certificate in "
                    + certFile + " (" + certs.get(0).getSubjectX500Principal().getName() + ")");
        }
        return new PemIdentity(certs.get(0), certs.subList(1, certs.size()), key);
    }

    /** Every certificate of a PEM file, in order; other blocks are skipped. */
    public static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> certs = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object o : read(file)) {
            try {
                if (o instanceof X509CertificateHolder holder) {
                    certs.add(converter.getCertificate(holder));
                } else if (o instanceof X509TrustedCertificateBlock trusted) {
                    certs.add(converter.getCertificate(trusted.getCertificateHolder()));
                }
            } catch (CertificateException e) {
                throw new IllegalArgumentException(file + " holds a certificate that cannot be read: " + e.getMessage(), e);
            }
        }
        return certs;
    }

    /** The first private key of a PEM file. */
    public static PrivateKey privateKey(Path file) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : read(file)) {
            try {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(file + " holds a private key that cannot be read: " + e.getMessage(), e);
            }
            if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new IllegalArgumentException(file + " holds an encrypted private key; give it unencrypted "
                        + "(openssl pkey -in KEY -out KEY.plain) and protect the file instead");
            }
        }
        throw new IllegalArgumentException(file + " holds no PEM private key");
    }

    private static List<Object> read(Path file) {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1); PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                objects.add(o);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read " + file + " as PEM: " + e.getMessage(), e);
        }
        return objects;
    }

    /** Whether the private key belongs to the public key: sign a random challenge and verify it. */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm() + "; use RSA or EC");
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
