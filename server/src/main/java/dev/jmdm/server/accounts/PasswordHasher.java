package dev.jmdm.server.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes as PHC strings ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}, the format of the
 * reference implementation), so each stored hash carries its own parameters: raising {@link #DEFAULT} later leaves
 * old hashes readable, and {@link #outdated} tells the sign-in to re-hash them. Each hash holds {@code m} KiB of
 * memory, so at most one per core runs at once.
 */
public final class PasswordHasher {
    /** OWASP's Argon2id baseline (19 MiB, 2 passes, 1 lane). */
    public static final Params DEFAULT = new Params(19 * 1024, 2, 1);
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    /** Memory in KiB, passes, lanes. */
    public record Params(int memoryKib, int iterations, int parallelism) {
        boolean below(Params other) {
            return memoryKib < other.memoryKib || iterations < other.iterations || parallelism < other.parallelism;
        }
    }

    private final Params params;
    private final SecureRandom random = new SecureRandom();
    private final Semaphore slots = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));
    /** A hash no password matches in practice, checked when the email is unknown so that timing says nothing. */
    private volatile String decoy;

    public PasswordHasher() {
        this(DEFAULT);
    }

    PasswordHasher(Params params) {
        this.params = params;
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, params, HASH_BYTES);
        return "$argon2id$v=19$m=" + params.memoryKib + ",t=" + params.iterations + ",p=" + params.parallelism + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** Whether the password matches the stored hash; false for a hash this class cannot read. */
    public boolean verify(String password, String stored) {
        Parsed p = parse(stored);
        if (p == null) {
            return false;
        }
        return MessageDigest.isEqual(derive(password, p.salt, p.params, p.hash.length), p.hash);
    }

    /** Spends the time of a verification, for an email that has no user. */
    public void verifyDecoy(String password) {
        String d = decoy;
        if (d == null) {
            d = hash("decoy password " + random.nextLong());
            decoy = d;
        }
        verify(password, d);
    }

    /** Whether a stored hash was made with weaker parameters than today's (then it is re-hashed on sign-in). */
    public boolean outdated(String stored) {
        Parsed p = parse(stored);
        return p == null || p.params.below(params);
    }

    private record Parsed(Params params, byte[] salt, byte[] hash) {
    }

    private static Parsed parse(String stored) {
        if (stored == null) {
            return null;
        }
        String[] parts = stored.split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            return null;
        }
        try {
            int m = 0;
            int t = 0;
            int par = 0;
            for (String kv : parts[3].split(",")) {
                String[] pair = kv.split("=", 2);
                int v = Integer.parseInt(pair[1]);
                switch (pair[0]) {
                    case "m" -> m = v;
                    case "t" -> t = v;
                    case "p" -> par = v;
                    default -> {
                        return null;
                    }
                }
            }
            if (m < 8 || m > 4 * 1024 * 1024 || t < 1 || t > 100 || par < 1 || par > 64) {
                return null;
            }
            return new Parsed(new Params(m, t, par), B64D.decode(parts[4]), B64D.decode(parts[5]));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Too many sign-ins at once: 503 rather than a queue without bound. */
    private static dev.jmdm.server.http.HttpError busy() {
        return new dev.jmdm.server.http.HttpError(503, "too many password checks at once; try again");
    }

    private byte[] derive(String password, byte[] salt, Params p, int length) {
        try {
            if (!slots.tryAcquire(10, TimeUnit.SECONDS)) {
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
        try {
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withSalt(salt).withMemoryAsKB(p.memoryKib).withIterations(p.iterations).withParallelism(p.parallelism).build());
            byte[] out = new byte[length];
            generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
            return out;
        } finally {
            slots.release();
        }
    }
}
