package dev.jmdm.certsdev;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.spec.ECGenParameterSpec;

/** Key types we issue. RSA matches what Apple devices hold; EC is far cheaper to generate for bulk simulations. */
public enum KeyAlgorithm {
    RSA_2048("SHA256withRSA"),
    EC_P256("SHA256withECDSA");

    private final String signatureAlgorithm;

    KeyAlgorithm(String signatureAlgorithm) {
        this.signatureAlgorithm = signatureAlgorithm;
    }

    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    public KeyPair generate() {
        try {
            if (this == RSA_2048) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                return g.generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate " + this + " key", e);
        }
    }

    /** The algorithm family of a key; by type, because providers name EC keys "EC" or "ECDSA". */
    static KeyAlgorithm of(Key key) {
        return key instanceof ECKey ? EC_P256 : RSA_2048;
    }

    /** Whether the private key belongs to the public key: a signature made with one verifies with the other. */
    static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        if (of(privateKey) != of(publicKey)) {
            return false;
        }
        try {
            byte[] probe = "jmdm key pair probe".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(of(publicKey).signatureAlgorithm());
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(of(publicKey).signatureAlgorithm());
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
