package dev.jmdm.server.accounts;

import dev.jmdm.server.config.AccountSettings;
import dev.jmdm.server.storage.Sql;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Failed sign-ins per email (whether or not a user has it, so a lockout tells nothing about who exists) and per
 * client address: after {@code failures} in a row for an email, or four times as many from an address, further
 * attempts are refused for the lockout time, doubled for each lockout in a row (capped at a day). A success clears
 * its email. Counted in the {@code signin_throttle} table, so servers sharing a database share one count: spreading
 * guesses over them buys nothing. A key quiet for a day starts over, and {@link #purge} removes it.
 */
final class SignInThrottle {
    /** A key quiet this long starts over. */
    static final Duration FORGET_AFTER = AccountSettings.MAX_SIGNIN_LOCKOUT;

    private record Count(int failures, int lockouts, long lockedUntil, long lastFailure) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final int emailLimit;
    private final int addressLimit;
    private final Duration lockout;

    SignInThrottle(Jdbi jdbi, Clock clock, int failures, Duration lockout) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.emailLimit = failures;
        this.addressLimit = failures * AccountSettings.ADDRESS_FAILURES_FACTOR;
        this.lockout = lockout;
    }

    /** How long until this email may try again from this address; zero: now. */
    Duration wait(String email, String address) {
        long now = clock.millis();
        long until = jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(MAX(locked_until), 0) FROM signin_throttle WHERE key_sha256 IN (<keys>)")
                .bindList("keys", List.of(emailKey(email), addressKey(address))).mapTo(Long.class).one());
        return until > now ? Duration.ofMillis(until - now) : Duration.ZERO;
    }

    /** Counts a failure for the email and the address; whether it locked either out. */
    boolean failed(String email, String address) {
        long now = clock.millis();
        boolean byEmail = count(emailKey(email), emailLimit, now);
        return count(addressKey(address), addressLimit, now) || byEmail;
    }

    void succeeded(String email) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM signin_throttle WHERE key_sha256 = :k").bind("k", emailKey(email)).execute());
    }

    /** Removes keys quiet for a day and not locked; run by a timer. */
    int purge() {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM signin_throttle WHERE last_failure < :quiet AND locked_until < :now")
                .bind("quiet", now - FORGET_AFTER.toMillis()).bind("now", now).execute());
    }

    private boolean count(String key, int limit, long now) {
        try {
            return jdbi.inTransaction(h -> count(h, key, limit, now));
        } catch (RuntimeException e) {
            if (!Sql.isDuplicateKey(e)) {
                throw e;
            }
            // Another server inserted the key's first failure at the same moment; the row exists now.
            return jdbi.inTransaction(h -> count(h, key, limit, now));
        }
    }

    /** Read, count and write under the row's lock, so failures at two servers at once are both counted. */
    private boolean count(Handle h, String key, int limit, long now) {
        Optional<Count> row = h.createQuery("""
                SELECT failures, lockouts, locked_until, last_failure FROM signin_throttle WHERE key_sha256 = :k FOR UPDATE""")
                .bind("k", key).map((rs, ctx) -> new Count(rs.getInt(1), rs.getInt(2), rs.getLong(3), rs.getLong(4))).findOne();
        Count c = row.filter(r -> now - r.lastFailure() <= FORGET_AFTER.toMillis()).orElse(new Count(0, 0, 0, now));
        int failures = c.failures() + 1;
        int lockouts = c.lockouts();
        long lockedUntil = c.lockedUntil();
        boolean locked = failures >= limit;
        if (locked) {
            long factor = 1L << Math.min(lockouts, 20);
            lockedUntil = now + Math.min(lockout.toMillis() * factor, AccountSettings.MAX_SIGNIN_LOCKOUT.toMillis());
            lockouts++;
            failures = 0;
        }
        if (row.isPresent()) {
            h.createUpdate("""
                    UPDATE signin_throttle SET failures = :f, lockouts = :l, locked_until = :u, last_failure = :now WHERE key_sha256 = :k""")
                    .bind("f", failures).bind("l", lockouts).bind("u", lockedUntil).bind("now", now).bind("k", key).execute();
        } else {
            h.createUpdate("""
                    INSERT INTO signin_throttle (key_sha256, failures, lockouts, locked_until, last_failure) VALUES (:k, :f, :l, :u, :now)""")
                    .bind("f", failures).bind("l", lockouts).bind("u", lockedUntil).bind("now", now).bind("k", key).execute();
        }
        return locked;
    }

    /** Hashed, so the key has one length whatever was typed and the table lists no tried emails in the clear. */
    private static String emailKey(String email) {
        return SessionStore.sha256("e:" + email);
    }

    private static String addressKey(String address) {
        return SessionStore.sha256("a:" + address);
    }
}
