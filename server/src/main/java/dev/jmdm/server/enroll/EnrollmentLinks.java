package dev.jmdm.server.enroll;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * BYOD enrollment links: an unguessable token (256 random bits, base64url) an admin hands to a user. Only its
 * SHA-256 is stored, so a database dump cannot be turned into working links; the token is shown once, at creation.
 */
final class EnrollmentLinks {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int TOKEN_BYTES = 32;

    private final EnrollmentLinkStore store;
    private final Clock clock;

    EnrollmentLinks(EnrollmentLinkStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A new link and its token (which is not stored). */
    record Created(EnrollmentLinkStore.Link link, String token) {
    }

    /** Why a token does not allow a download. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    Created create(Instant expiresAt, Integer maxUses, String note) {
        byte[] raw = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        var link = new EnrollmentLinkStore.Link(UUID.randomUUID().toString(), note, clock.millis(),
                expiresAt == null ? null : expiresAt.toEpochMilli(), maxUses, 0, null, null);
        store.insert(link, sha256(token));
        return new Created(link, token);
    }

    List<EnrollmentLinkStore.Link> all() {
        return store.all();
    }

    Optional<EnrollmentLinkStore.Link> find(String id) {
        return store.find(id);
    }

    /** Revokes the link; empty when there is no such link. */
    Optional<EnrollmentLinkStore.Link> revoke(String id) {
        if (!store.revoke(id, clock.millis())) {
            return Optional.empty();
        }
        return store.find(id);
    }

    /**
     * Counts one download against the token's link and returns the link's id.
     *
     * @throws Refused saying why when the token is unknown, revoked, expired or used up
     */
    String consume(String token) {
        String hash = sha256(token);
        long now = clock.millis();
        if (store.consume(hash, now)) {
            return store.findByToken(hash).map(EnrollmentLinkStore.Link::id).orElseThrow();
        }
        EnrollmentLinkStore.Link link = store.findByToken(hash)
                .orElseThrow(() -> new Refused("the enrollment link is not valid"));
        throw new Refused("the enrollment link " + status(link, now));
    }

    /** active, revoked, expired or used up, from the link's fields at {@code now}. */
    static String status(EnrollmentLinkStore.Link link, long now) {
        if (link.revokedAt() != null) {
            return "was revoked";
        }
        if (link.expiresAt() != null && link.expiresAt() <= now) {
            return "expired at " + Instant.ofEpochMilli(link.expiresAt());
        }
        if (link.maxUses() != null && link.uses() >= link.maxUses()) {
            return "was used up (" + link.uses() + " of " + link.maxUses() + " uses)";
        }
        return "is active";
    }

    long now() {
        return clock.millis();
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
