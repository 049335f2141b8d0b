package dev.jmdm.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where pushes go, how they are trusted, and how long anyone waits for them.
 *
 * @param host           APNs host: production, sandbox, or a local stand-in (MDM_APNS_URL)
 * @param port           its port
 * @param caFile         PEM of extra trust anchors for that host, a stand-in's CA (MDM_APNS_CA); null: the JDK's
 * @param certWarnBefore how long before a push certificate expires it is reported as expiring (MDM_PUSH_CERT_WARN)
 * @param repushAfter    an enrollment with pending commands that has been silent this long is pushed again
 *                       (MDM_REPUSH_AFTER); zero: never
 * @param timeout        how long a caller (an API request, the re-push sweep, a background push) waits for APNs's
 *                       answers; pushes still unanswered then go on in the background and are reported pending
 *                       (MDM_APNS_TIMEOUT)
 * @param pushRate       pushes per second at most, each at a random point of its slot, so the devices of a rollout to
 *                       many hosts answer spread over time (MDM_PUSH_RATE); zero: unpaced
 */
public record ApnsSettings(String host, int port, Path caFile, Duration certWarnBefore, Duration repushAfter, Duration timeout,
        int pushRate) {
    public static final String PRODUCTION = "api.push.apple.com";
    public static final String SANDBOX = "api.sandbox.push.apple.com";
    public static final int DEFAULT_PORT = 443;
    public static final Duration DEFAULT_CERT_WARN = Duration.ofDays(30);
    public static final Duration DEFAULT_REPUSH_AFTER = Duration.ofMinutes(15);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** An admin request should not hold a worker longer than this, whatever the setting says. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);
    /** APNs takes thousands a second on one connection; 2,000 devices a second is what a small server answers. */
    public static final int DEFAULT_PUSH_RATE = 2_000;
    public static final int MAX_PUSH_RATE = 1_000_000;

    public ApnsSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(certWarnBefore, "certWarnBefore");
        Objects.requireNonNull(repushAfter, "repushAfter");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new SettingsException("MDM_APNS_TIMEOUT: " + timeout + " is outside (0, 60s]");
        }
        if (pushRate < 0 || pushRate > MAX_PUSH_RATE) {
            throw new SettingsException("MDM_PUSH_RATE: " + pushRate + " is outside 0 to " + MAX_PUSH_RATE);
        }
    }

    /** Production APNs, trusted through the JDK's anchors, and the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String host = PRODUCTION;
        private int port = DEFAULT_PORT;
        private Path caFile;
        private Duration certWarnBefore = DEFAULT_CERT_WARN;
        private Duration repushAfter = DEFAULT_REPUSH_AFTER;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int pushRate = DEFAULT_PUSH_RATE;

        private Builder() {
        }

        public Builder server(String host, int port) {
            this.host = host;
            this.port = port;
            return this;
        }

        public Builder caFile(Path caFile) {
            this.caFile = caFile;
            return this;
        }

        public Builder certWarnBefore(Duration certWarnBefore) {
            this.certWarnBefore = certWarnBefore;
            return this;
        }

        public Builder repushAfter(Duration repushAfter) {
            this.repushAfter = repushAfter;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder pushRate(int pushRate) {
            this.pushRate = pushRate;
            return this;
        }

        public ApnsSettings build() {
            return new ApnsSettings(host, port, caFile, certWarnBefore, repushAfter, timeout, pushRate);
        }
    }
}
