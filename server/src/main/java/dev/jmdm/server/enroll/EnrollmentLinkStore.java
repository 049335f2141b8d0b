package dev.jmdm.server.enroll;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Enrollment links by id and by token hash (table {@code enrollment_links}). */
final class EnrollmentLinkStore {
    private static final String COLUMNS = "id, note, created_at, expires_at, max_uses, uses, last_used_at, revoked_at";

    private final Jdbi jdbi;

    EnrollmentLinkStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A stored link; never its token. */
    record Link(String id, String note, long createdAt, Long expiresAt, Integer maxUses, int uses, Long lastUsedAt,
            Long revokedAt) {
    }

    void insert(Link link, String tokenSha256) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO enrollment_links (id, token_sha256, note, created_at, expires_at, max_uses, uses)
                VALUES (:id, :hash, :note, :created, :expires, :max, 0)""")
                .bind("id", link.id()).bind("hash", tokenSha256).bind("note", link.note()).bind("created", link.createdAt())
                .bind("expires", link.expiresAt()).bind("max", link.maxUses())
                .execute());
    }

    List<Link> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM enrollment_links ORDER BY created_at, id")
                .map((rs, ctx) -> link(rs)).list());
    }

    Optional<Link> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM enrollment_links WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> link(rs)).findOne());
    }

    Optional<Link> findByToken(String tokenSha256) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM enrollment_links WHERE token_sha256 = :hash")
                .bind("hash", tokenSha256).map((rs, ctx) -> link(rs)).findOne());
    }

    /** Marks the link revoked; false when it does not exist. Revoking twice keeps the first time. */
    boolean revoke(String id, long now) {
        return jdbi.withHandle(h -> {
            h.createUpdate("UPDATE enrollment_links SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                    .bind("id", id).bind("now", now).execute();
            return h.createQuery("SELECT COUNT(*) FROM enrollment_links WHERE id = :id").bind("id", id).mapTo(Integer.class).one() > 0;
        });
    }

    /**
     * Counts one use if the link is usable now: the check and the count are one statement, so concurrent downloads
     * never exceed max_uses.
     */
    boolean consume(String tokenSha256, long now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE enrollment_links SET uses = uses + 1, last_used_at = :now
                WHERE token_sha256 = :hash AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > :now)
                AND (max_uses IS NULL OR uses < max_uses)""")
                .bind("hash", tokenSha256).bind("now", now).execute()) == 1;
    }

    private static Link link(ResultSet rs) throws SQLException {
        return new Link(rs.getString("id"), rs.getString("note"), rs.getLong("created_at"), nullableLong(rs, "expires_at"),
                nullableInt(rs, "max_uses"), rs.getInt("uses"), nullableLong(rs, "last_used_at"), nullableLong(rs, "revoked_at"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}
