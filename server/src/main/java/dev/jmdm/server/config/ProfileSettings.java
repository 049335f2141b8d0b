package dev.jmdm.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Configuration profile reconciliation.
 *
 * @param sweepEvery       how often every host's desired and current profiles are compared (MDM_PROFILE_SWEEP); zero:
 *                         only on triggers
 * @param profileListEvery how often each enrolled host is asked for its ProfileList (MDM_PROFILE_LIST_EVERY); zero:
 *                         only on enrollment and refresh
 */
public record ProfileSettings(Duration sweepEvery, Duration profileListEvery) {
    /** Changes made through the API are reconciled at once; the sweep catches what a lost trigger missed. */
    public static final Duration DEFAULT_SWEEP = Duration.ofMinutes(10);
    public static final Duration DEFAULT_PROFILE_LIST_EVERY = Duration.ofDays(1);
    public static final ProfileSettings DEFAULTS = new ProfileSettings(DEFAULT_SWEEP, DEFAULT_PROFILE_LIST_EVERY);

    public ProfileSettings {
        Objects.requireNonNull(sweepEvery, "sweepEvery");
        Objects.requireNonNull(profileListEvery, "profileListEvery");
    }
}
