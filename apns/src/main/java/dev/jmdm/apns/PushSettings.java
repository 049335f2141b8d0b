package dev.jmdm.apns;

import com.eatthepath.pushy.apns.ApnsClientBuilder;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@link PushSender} reaches APNs. Build with {@link #builder()}; every value is checked once, here.
 *
 * @param host APNs host: production, sandbox, or a local stand-in
 * @param trustedServerCertificates when not empty, the only anchors trusted for {@code host} (Pushy replaces the
 *     JDK's trust store with them); meant for a local stand-in, not for Apple
 * @param maxInFlight sends awaiting APNs's answer at once, over all topics; more wait their turn
 * @param connectionsPerTopic HTTP/2 connections each topic's client may open
 * @param expiration how long APNs keeps trying a device that is offline ({@code apns-expiration})
 * @param attemptTimeout how long one attempt may wait for an answer before it counts as failed and is retried
 * @param clock the time {@code apns-expiration} counts from
 * @param closeTimeout how long {@link PushSender#close()} waits for APNs to answer what was sent before it cuts the
 *     connections: stopping a server must not wait on an APNs that never answers
 */
public record PushSettings(
        String host,
        int port,
        List<X509Certificate> trustedServerCertificates,
        int maxInFlight,
        int connectionsPerTopic,
        Duration expiration,
        Duration attemptTimeout,
        RetryPolicy retry,
        Clock clock,
        Duration closeTimeout) {

    public static final String PRODUCTION_HOST = ApnsClientBuilder.PRODUCTION_APNS_HOST;
    public static final String SANDBOX_HOST = ApnsClientBuilder.DEVELOPMENT_APNS_HOST;
    public static final int DEFAULT_PORT = ApnsClientBuilder.DEFAULT_APNS_PORT;
    /** Matches the stream limit APNs usually grants one connection, so a single connection can be kept busy. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1000;
    public static final int DEFAULT_CONNECTIONS_PER_TOPIC = 1;
    /** Long enough for a laptop closed over a weekend to still get its wakeup; APNs keeps only the newest one. */
    public static final Duration DEFAULT_EXPIRATION = Duration.ofDays(3);
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(30);
    /** Half of the ten seconds a server may take to stop, the rest being HTTP and the database. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    public PushSettings {
        Objects.requireNonNull(host, "host");
        trustedServerCertificates = List.copyOf(trustedServerCertificates);
        Objects.requireNonNull(expiration, "expiration");
        Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        if (host.isBlank()) {
            throw new IllegalArgumentException("APNs host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("APNs port must be 1-65535, was " + port);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        if (connectionsPerTopic < 1) {
            throw new IllegalArgumentException("connectionsPerTopic must be at least 1, was " + connectionsPerTopic);
        }
        if (expiration.isNegative()) {
            throw new IllegalArgumentException("expiration must not be negative, was " + expiration);
        }
        if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
            throw new IllegalArgumentException("attemptTimeout must be positive, was " + attemptTimeout);
        }
        if (closeTimeout.isNegative() || closeTimeout.isZero()) {
            throw new IllegalArgumentException("closeTimeout must be positive, was " + closeTimeout);
        }
    }

    /** Production APNs and the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String host = PRODUCTION_HOST;
        private int port = DEFAULT_PORT;
        private List<X509Certificate> trustedServerCertificates = List.of();
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private int connectionsPerTopic = DEFAULT_CONNECTIONS_PER_TOPIC;
        private Duration expiration = DEFAULT_EXPIRATION;
        private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private Clock clock = Clock.systemUTC();
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;

        private Builder() {
        }

        public Builder production() {
            return server(PRODUCTION_HOST, DEFAULT_PORT);
        }

        /** Apple's development environment, for devices enrolled with a sandbox push certificate. */
        public Builder sandbox() {
            return server(SANDBOX_HOST, DEFAULT_PORT);
        }

        public Builder server(String host, int port) {
            this.host = host;
            this.port = port;
            return this;
        }

        public Builder trustedServerCertificates(List<X509Certificate> anchors) {
            this.trustedServerCertificates = anchors;
            return this;
        }

        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        public Builder connectionsPerTopic(int connectionsPerTopic) {
            this.connectionsPerTopic = connectionsPerTopic;
            return this;
        }

        public Builder expiration(Duration expiration) {
            this.expiration = expiration;
            return this;
        }

        public Builder attemptTimeout(Duration attemptTimeout) {
            this.attemptTimeout = attemptTimeout;
            return this;
        }

        public Builder retry(RetryPolicy retry) {
            this.retry = retry;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = closeTimeout;
            return this;
        }

        public PushSettings build() {
            return new PushSettings(host, port, trustedServerCertificates, maxInFlight, connectionsPerTopic, expiration,
                    attemptTimeout, retry, clock, closeTimeout);
        }
    }
}
