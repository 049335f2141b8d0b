package dev.jmdm.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Compliance policies.
 *
 * @param sweepEvery how often every policy is re-evaluated for every host (MDM_POLICY_SWEEP), by one server of a
 *                   cluster at a time; zero: only on inventory changes and policy edits
 */
public record PolicySettings(Duration sweepEvery) {
    /**
     * Facts such as host.last_seen_age_hours move with time alone; a quarter of an hour keeps a policy on them
     * at most that late, and a sweep that finds nothing changed writes nothing.
     */
    public static final Duration DEFAULT_SWEEP = Duration.ofMinutes(15);
    public static final PolicySettings DEFAULTS = new PolicySettings(DEFAULT_SWEEP);

    public PolicySettings {
        Objects.requireNonNull(sweepEvery, "sweepEvery");
    }
}
