package dev.jmdm.server.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts small secrets with AES-256-GCM: {@code v1:} + base64(nonce ‖ ciphertext ‖ tag) for push
 * certificate keys, and {@code sealed:v2:} + the same for values bound to their row (the row is the
 * GCM associated data, so a sealed value copied elsewhere does not open). The key is SHA-256 of the
 * configured secret (MDM_SECRET_KEY), or of a random key file made in the data folder on first start.
 * Every server sharing one database needs the same key.
 */
public final class SecretBox {
    private static final String PREFIX = "v1:";
    /** Long and plain ASCII so that an unsealed binary token from before is never taken for a sealed one. */
    public static final String BOUND_PREFIX = "sealed:v2:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    static final String KEY_FILE = "secret.key";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretBox(byte[] material) {
        try {
            this.key = new SecretKeySpec(MessageDigest.getInstance("SHA-256").digest(material), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static SecretBox fromSecret(String secret) {
        return new SecretBox(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** The key file in dataDir, created (0600) with 32 random bytes when missing. */
    public static SecretBox fromKeyFile(Path dataDir) {
        Path file = dataDir.resolve(KEY_FILE);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                RANDOM.nextBytes(fresh);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, Base64.getEncoder().encodeToString(fresh), StandardOpenOption.TRUNCATE_EXISTING);
                } catch (FileAlreadyExistsException raced) {
                    // another process made it first: use theirs
                } catch (UnsupportedOperationException noPosix) {
                    Files.writeString(file, Base64.getEncoder().encodeToString(fresh), StandardOpenOption.CREATE_NEW);
                }
            }
            return new SecretBox(Files.readString(file).trim().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the secret key file " + file, e);
        }
    }

    public String seal(String plaintext) {
        return PREFIX + encrypt(plaintext.getBytes(StandardCharsets.UTF_8), null);
    }

    /** Decrypts; a value that was never sealed (written before encryption existed) comes back as is. */
    public String open(String sealed) {
        if (!sealed.startsWith(PREFIX)) {
            return sealed;
        }
        return new String(decrypt(sealed.substring(PREFIX.length()), null), StandardCharsets.UTF_8);
    }

    /** Seals a value that belongs to one place (say {@code devices.unlock_token/<device id>}); only that place opens it. */
    public String seal(byte[] plaintext, String boundTo) {
        return BOUND_PREFIX + encrypt(plaintext, boundTo.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Opens a value sealed by {@link #seal(byte[], String)} for the same place.
     *
     * @throws WrongKeyException when it was sealed with another key or for another place
     */
    public byte[] open(String sealed, String boundTo) {
        if (!isBound(sealed)) {
            throw new IllegalArgumentException("not a sealed value");
        }
        return decrypt(sealed.substring(BOUND_PREFIX.length()), boundTo.getBytes(StandardCharsets.UTF_8));
    }

    public static boolean isBound(String stored) {
        return stored.startsWith(BOUND_PREFIX);
    }

    private String encrypt(byte[] plaintext, byte[] associatedData) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            if (associatedData != null) {
                c.updateAAD(associatedData);
            }
            byte[] ct = c.doFinal(plaintext);
            byte[] out = new byte[nonce.length + ct.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(ct, 0, out, nonce.length, ct.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt", e);
        }
    }

    private byte[] decrypt(String base64, byte[] associatedData) {
        byte[] in;
        try {
            in = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new DamagedSecretException("it is not base64");
        }
        if (in.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new DamagedSecretException("it is " + in.length + " bytes, shorter than any sealed value");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            if (associatedData != null) {
                c.updateAAD(associatedData);
            }
            return c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new WrongKeyException();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt", e);
        }
    }

    /**
     * The stored bytes are not a sealed value at all (truncated, garbled: a bad restore or a hand edit), so no key
     * opens them. Damage inside the ciphertext cannot be told from another key: GCM reports both as
     * {@link WrongKeyException}.
     */
    public static final class DamagedSecretException extends RuntimeException {
        DamagedSecretException(String why) {
            super("a stored secret is damaged (" + why + "); no key opens it, so it must be stored again");
        }
    }

    /**
     * The stored secret was sealed with another key (MDM_SECRET_KEY differs between servers or changed), or,
     * for a value bound to its row, was copied from another row: AES-GCM cannot tell the two apart.
     */
    public static final class WrongKeyException extends RuntimeException {
        WrongKeyException() {
            super("a stored secret was encrypted with a different key; every server must use the same MDM_SECRET_KEY");
        }
    }
}
