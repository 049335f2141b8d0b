package dev.jmdm.server.accounts;

import dev.jmdm.server.http.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The {@code user_sessions} table. A session is a random token in the browser's cookie; only its SHA-256 is stored.
 * It ends when unused for the idle time, at its absolute end, at sign-out, or when its user is deleted; the role is
 * read from the user on every request, so a demotion takes effect at once.
 */
final class SessionStore {
    /** A live session with its user. */
    record Session(long id, long userId, String email, Role role, String csrfToken, long createdAt) {
    }

    /** A new session: the cookie's token (shown once, never stored) and the session. */
    record Opened(String token, Session session) {
    }

    /** The idle clock moves at most this often, so a busy console does not write on every request. */
    static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    private static final int TOKEN_BYTES = 32;

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration idle;
    private final Duration max;
    private final SecureRandom random = new SecureRandom();

    SessionStore(Jdbi jdbi, Clock clock, Duration idle, Duration max) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.idle = idle;
        this.max = max;
    }

    Opened open(UserStore.User user) {
        String token = randomToken();
        String csrf = randomToken();
        long now = clock.millis();
        long id = jdbi.withHandle(h -> h.createUpdate("""
                INSERT INTO user_sessions (token_sha256, user_id, csrf_token, created_at, last_seen_at, expires_at)
                VALUES (:t, :u, :c, :now, :now, :exp)""")
                .bind("t", sha256(token)).bind("u", user.id()).bind("c", csrf).bind("now", now).bind("exp", now + max.toMillis())
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        return new Opened(token, new Session(id, user.id(), user.email(), user.role(), csrf, now));
    }

    /** The live session of a cookie's token; an expired one is deleted on the way. */
    Optional<Session> find(String token) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return Optional.empty();
        }
        long now = clock.millis();
        record Row(Session session, long lastSeen, long expires) {
        }
        Optional<Row> row = jdbi.withHandle(h -> h.createQuery("""
                SELECT s.id, s.user_id, u.email, u.role, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at
                FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.token_sha256 = :t""")
                .bind("t", sha256(token))
                .map((rs, ctx) -> new Row(new Session(rs.getLong(1), rs.getLong(2), rs.getString(3), Role.parse(rs.getString(4)),
                        rs.getString(5), rs.getLong(6)), rs.getLong(7), rs.getLong(8)))
                .findOne());
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Row r = row.get();
        if (now >= r.expires() || now >= r.lastSeen() + idle.toMillis() || r.session().role() == null) {
            delete(r.session().id());
            return Optional.empty();
        }
        if (now - r.lastSeen() >= TOUCH_EVERY.toMillis()) {
            jdbi.useHandle(h -> h.createUpdate("UPDATE user_sessions SET last_seen_at = :now WHERE id = :id")
                    .bind("now", now).bind("id", r.session().id()).execute());
        }
        return Optional.of(r.session());
    }

    void delete(long sessionId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM user_sessions WHERE id = :id").bind("id", sessionId).execute());
    }

    /** Ends every session of a user (but {@code keep}, when not null); how many ended. */
    int deleteAll(long userId, Long keep) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM user_sessions WHERE user_id = :u AND id <> :keep")
                .bind("u", userId).bind("keep", keep == null ? -1L : keep).execute());
    }

    /** How many live sessions each user has (users without one are left out). */
    java.util.Map<Long, Integer> liveCounts() {
        long now = clock.millis();
        java.util.Map<Long, Integer> counts = new java.util.HashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                SELECT user_id, COUNT(*) FROM user_sessions WHERE expires_at > :now AND last_seen_at > :idle GROUP BY user_id""")
                .bind("now", now).bind("idle", now - idle.toMillis())
                .map((rs, ctx) -> counts.put(rs.getLong(1), rs.getInt(2))).list());
        return counts;
    }

    /** Removes sessions past either end; run by a timer. */
    int purge() {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM user_sessions WHERE expires_at <= :now OR last_seen_at <= :idle")
                .bind("now", now).bind("idle", now - idle.toMillis()).execute());
    }

    Duration max() {
        return max;
    }

    private String randomToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
