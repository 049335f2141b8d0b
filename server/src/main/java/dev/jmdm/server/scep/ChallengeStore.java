package dev.jmdm.server.scep;

import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** One-time SCEP challenges by their SHA-256 (the challenge itself is never stored). */
final class ChallengeStore {
    /** A stored challenge. */
    record Challenge(String purpose, String linkId, String forDevice, String adeDevice, long createdAt, long expiresAt, Long usedAt) {
    }

    private final Jdbi jdbi;

    ChallengeStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void insert(String sha256, Challenge c) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO scep_challenges (challenge_sha256, purpose, link_id, for_device, ade_device, created_at, expires_at)
                VALUES (:sha, :purpose, :link, :device, :ade, :created, :expires)""")
                .bind("sha", sha256).bind("purpose", c.purpose()).bind("link", c.linkId()).bind("device", c.forDevice())
                .bind("ade", c.adeDevice())
                .bind("created", c.createdAt()).bind("expires", c.expiresAt()).execute());
    }

    /** Marks the challenge used if it is unused and unexpired; false when another request won or it is not usable. */
    boolean spend(Handle h, String sha256, long now) {
        return h.createUpdate("""
                UPDATE scep_challenges SET used_at = :now
                WHERE challenge_sha256 = :sha AND used_at IS NULL AND expires_at > :now""")
                .bind("sha", sha256).bind("now", now).execute() == 1;
    }

    Optional<Challenge> find(Handle h, String sha256) {
        return h.createQuery("""
                SELECT purpose, link_id, for_device, ade_device, created_at, expires_at, used_at FROM scep_challenges
                WHERE challenge_sha256 = :sha""")
                .bind("sha", sha256)
                .map((rs, ctx) -> new Challenge(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getLong(6), rs.getObject(7, Long.class)))
                .findOne();
    }

    /** Drops challenges that expired before {@code cutoff}: they can only be refused, and the table must not grow. */
    int purge(long cutoff) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM scep_challenges WHERE expires_at < :cutoff")
                .bind("cutoff", cutoff).execute());
    }
}
