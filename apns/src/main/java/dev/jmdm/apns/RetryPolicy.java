package dev.jmdm.apns;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently to repeat a push after a transient error (429, 5xx, no answer): exponential backoff from
 * {@code baseBackoff}, capped at {@code maxBackoff}, with up to {@code jitter} of each wait taken off at random so a
 * burst of failures does not come back as a burst of retries.
 *
 * @param maxAttempts attempts in all, the first one included; 1 means never retry
 * @param jitter the fraction of each wait that is random, from 0 (none) to 1 (anywhere between zero and the full wait)
 */
public record RetryPolicy(int maxAttempts, Duration baseBackoff, Duration maxBackoff, double jitter) {
    public static final int DEFAULT_MAX_ATTEMPTS = 4;
    public static final Duration DEFAULT_BASE_BACKOFF = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
    public static final double DEFAULT_JITTER = 0.5;

    /** 4 attempts, waiting about 0.5 s, 1 s and 2 s between them. */
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_BASE_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_JITTER);

    public RetryPolicy {
        Objects.requireNonNull(baseBackoff, "baseBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (baseBackoff.isNegative() || maxBackoff.compareTo(baseBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= baseBackoff <= maxBackoff, were " + baseBackoff + " and "
                    + maxBackoff);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
        }
    }

    /**
     * The wait after the given number of failed attempts.
     *
     * @param random a uniform draw from [0, 1)
     */
    Duration backoffAfter(int failedAttempts, double random) {
        long base = baseBackoff.toNanos();
        long cap = maxBackoff.toNanos();
        int doublings = Math.min(Math.max(failedAttempts - 1, 0), 62);
        // compare before shifting so a long run of failures cannot overflow into a negative wait
        long full = base > (cap >> doublings) ? cap : base << doublings;
        return Duration.ofNanos(full - (long) (full * jitter * random));
    }
}
