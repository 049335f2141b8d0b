package dev.jmdm.server.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Automated Device Enrollment: where Apple's DEP API is and how often the server syncs with it (issue #15, docs/ade.md).
 *
 * @param url  the DEP API's base URL, no trailing slash (MDM_DEP_URL)
 * @param sync how often every token is synced (MDM_DEP_SYNC); zero: only on demand
 */
public record DepSettings(URI url, Duration sync) {
    public static final URI DEFAULT_URL = URI.create("https://mdmenrollment.apple.com");
    public static final Duration DEFAULT_SYNC = Duration.ofMinutes(15);
    /** Apple asks clients not to poll much more often than this. */
    public static final Duration MIN_SYNC = Duration.ofMinutes(1);
    public static final DepSettings DEFAULTS = new DepSettings(DEFAULT_URL, DEFAULT_SYNC);

    public DepSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(sync, "sync");
        if (!sync.isZero() && sync.compareTo(MIN_SYNC) < 0) {
            throw new SettingsException("MDM_DEP_SYNC: shorter than 1m; use e.g. 15m, or 0 to sync only on demand");
        }
    }
}
