package dev.jmdm.server.scep;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import org.jdbi.v3.core.Handle;

/**
 * SCEP challenges. Each enrollment profile handed out carries a fresh random one, good for one certificate within
 * {@link #TTL}, stored only as its SHA-256; so a profile copied off a device, or downloaded and kept, issues
 * nothing more. An admin may also set a static challenge (MDM_SCEP_CHALLENGE) for legacy tools; it never expires
 * and is never spent, which is why it is off unless set.
 */
public final class ScepChallenges {
    /** A profile is installed minutes after its download; an hour leaves room for a user who reads it first. */
    public static final Duration TTL = Duration.ofHours(1);
    /** Expired challenges are kept this long (refusals can say "expired") and then purged. */
    static final Duration KEEP_EXPIRED = Duration.ofDays(1);
    static final String ENROLL = "enroll";
    public static final String RENEWAL = "renewal";
    static final String STATIC = "static";
    public static final String ADE = "ade";
    private static final int CHALLENGE_BYTES = 24;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ChallengeStore store;
    private final byte[] staticChallenge;
    private final Clock clock;

    /**
     * What a challenge allows: whom the certificate is for.
     *
     * @param adeDevice the ABM serial number of a Setup Assistant enrollment (forDevice is then its UDID), or null
     */
    record Grant(String purpose, String linkId, String forDevice, String adeDevice) {
    }

    /** Why a challenge allows nothing. */
    static final class Refused extends Exception {
        /** The challenge was good and is spent: a resent request may be answered with what it issued. */
        final boolean spent;

        Refused(String message) {
            this(message, false);
        }

        Refused(String message, boolean spent) {
            super(message, null, false, false);
            this.spent = spent;
        }
    }

    ScepChallenges(ChallengeStore store, String staticChallenge, Clock clock) {
        this.store = store;
        this.staticChallenge = staticChallenge == null ? null : staticChallenge.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    /** A one-time challenge for an enrollment profile downloaded through the link (null: no link). */
    public String mintForProfile(String linkId) {
        return mint(ENROLL, linkId, null);
    }

    /**
     * A one-time challenge bound to a device: its renewal profile (and later its ADE enrollment), good for
     * {@code ttl} (a renewal profile waits in the queue while the device is offline).
     */
    public String mintForDevice(String deviceId, String purpose, Duration ttl) {
        return mint(purpose, null, deviceId, null, ttl);
    }

    /**
     * A one-time challenge for the enrollment profile Setup Assistant fetched with a signed MachineInfo: bound to the
     * UDID and the ABM serial number the device proved, so its certificate speaks for that device only.
     */
    public String mintForAde(String udid, String serialNumber) {
        return mint(ADE, null, udid, serialNumber, TTL);
    }

    private String mint(String purpose, String linkId, String device) {
        return mint(purpose, linkId, device, null, TTL);
    }

    private String mint(String purpose, String linkId, String device, String adeDevice, Duration ttl) {
        byte[] raw = new byte[CHALLENGE_BYTES];
        RANDOM.nextBytes(raw);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        long now = clock.millis();
        store.insert(sha256(challenge), new ChallengeStore.Challenge(purpose, linkId, device, adeDevice, now, now + ttl.toMillis(), null));
        return challenge;
    }

    /** Spends the challenge inside the transaction that records the certificate it allows. */
    IssuedCertificateStore.Spend spender(String challenge) {
        return h -> spend(h, challenge);
    }

    /**
     * Spends the challenge inside the caller's transaction (which also records the certificate, so a refused or
     * failed issue spends nothing), or says why it allows nothing.
     */
    Grant spend(Handle h, String challenge) throws Refused {
        if (challenge == null || challenge.isEmpty()) {
            throw new Refused("the request carries no challengePassword");
        }
        byte[] given = challenge.getBytes(StandardCharsets.UTF_8);
        if (staticChallenge != null && MessageDigest.isEqual(staticChallenge, given)) {
            return new Grant(STATIC, null, null, null);
        }
        String sha = sha256(challenge);
        long now = clock.millis();
        if (store.spend(h, sha, now)) {
            ChallengeStore.Challenge c = store.find(h, sha).orElseThrow();
            return new Grant(c.purpose(), c.linkId(), c.forDevice(), c.adeDevice());
        }
        ChallengeStore.Challenge c = store.find(h, sha).orElseThrow(() -> new Refused("the challenge is not valid"));
        if (c.usedAt() != null) {
            throw new Refused("the challenge was already used; each enrollment profile issues one certificate", true);
        }
        throw new Refused("the challenge expired; download a new enrollment profile");
    }

    void purgeExpired() {
        store.purge(clock.millis() - KEEP_EXPIRED.toMillis());
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
