package dev.jmdm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SignInThrottle throttle = new SignInThrottle(clock, 3, Duration.ofMinutes(5));

    @Test
    void anEmailIsLockedOutAfterItsFailuresForLongerEachTimeInARow() {
        for (int i = 0; i < 2; i++) {
            throttle.failed("a@example.com", "10.0.0." + i);
            assertThat(throttle.wait("a@example.com", "10.0.0.9")).isZero();
        }
        throttle.failed("a@example.com", "10.0.0.3");
        assertThat(throttle.wait("a@example.com", "10.0.0.9")).isEqualTo(Duration.ofMinutes(5));
        assertThat(throttle.wait("b@example.com", "10.0.0.9")).as("other emails are not locked").isZero();
        clock.advance(Duration.ofMinutes(5));
        assertThat(throttle.wait("a@example.com", "10.0.0.9")).isZero();
        for (int i = 0; i < 3; i++) {
            throttle.failed("a@example.com", "10.0.1." + i);
        }
        assertThat(throttle.wait("a@example.com", "10.0.0.9")).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void anAddressIsLockedOutAfterFourTimesAsManyFailuresOverAnyEmails() {
        for (int i = 0; i < 11; i++) {
            throttle.failed("user" + i + "@example.com", "192.0.2.1");
        }
        assertThat(throttle.wait("new@example.com", "192.0.2.1")).isZero();
        throttle.failed("user11@example.com", "192.0.2.1");
        assertThat(throttle.wait("new@example.com", "192.0.2.1")).isEqualTo(Duration.ofMinutes(5));
        assertThat(throttle.wait("new@example.com", "192.0.2.2")).isZero();
    }

    @Test
    void aSuccessClearsTheEmailsFailures() {
        throttle.failed("a@example.com", "10.0.0.1");
        throttle.failed("a@example.com", "10.0.0.1");
        throttle.succeeded("a@example.com");
        throttle.failed("a@example.com", "10.0.0.1");
        throttle.failed("a@example.com", "10.0.0.1");
        assertThat(throttle.wait("a@example.com", "10.0.0.1")).isZero();
    }
}
