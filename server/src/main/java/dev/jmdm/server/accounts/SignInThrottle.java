package dev.jmdm.server.accounts;

import dev.jmdm.server.config.AccountSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed sign-ins per email (whether or not a user has it, so a lockout tells nothing about who exists) and per
 * client address: after {@code failures} in a row for an email, or four times as many from an address, further
 * attempts are refused for the lockout time, doubled for each lockout in a row (capped at a day). A success clears
 * its email. Held in memory, so each server counts its own; bounded, dropping the longest-unused entry.
 */
final class SignInThrottle {
    /** Enough for a large attack from many addresses; an entry is a few dozen bytes. */
    static final int MAX_ENTRIES = 100_000;
    /** A key quiet this long starts over. */
    static final Duration FORGET_AFTER = AccountSettings.MAX_SIGNIN_LOCKOUT;

    private static final class Entry {
        int failures;
        int lockouts;
        long lockedUntil;
        long lastFailure;
    }

    private final Clock clock;
    private final int emailLimit;
    private final int addressLimit;
    private final Duration lockout;
    private final Map<String, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    SignInThrottle(Clock clock, int failures, Duration lockout) {
        this.clock = clock;
        this.emailLimit = failures;
        this.addressLimit = failures * AccountSettings.ADDRESS_FAILURES_FACTOR;
        this.lockout = lockout;
    }

    /** How long until this email may try again from this address; zero: now. */
    synchronized Duration wait(String email, String address) {
        long now = clock.millis();
        long until = Math.max(lockedUntil("e:" + email, now), lockedUntil("a:" + address, now));
        return until > now ? Duration.ofMillis(until - now) : Duration.ZERO;
    }

    synchronized void failed(String email, String address) {
        long now = clock.millis();
        count("e:" + email, emailLimit, now);
        count("a:" + address, addressLimit, now);
    }

    synchronized void succeeded(String email) {
        entries.remove("e:" + email);
    }

    private long lockedUntil(String key, long now) {
        Entry e = entries.get(key);
        return e == null ? 0 : e.lockedUntil;
    }

    private void count(String key, int limit, long now) {
        Entry e = entries.get(key);
        if (e == null || now - e.lastFailure > FORGET_AFTER.toMillis()) {
            e = new Entry();
            entries.put(key, e);
        }
        e.lastFailure = now;
        if (++e.failures >= limit) {
            long factor = 1L << Math.min(e.lockouts, 20);
            long millis = Math.min(lockout.toMillis() * factor, AccountSettings.MAX_SIGNIN_LOCKOUT.toMillis());
            e.lockedUntil = now + millis;
            e.lockouts++;
            e.failures = 0;
        }
    }
}
