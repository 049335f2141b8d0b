package dev.jmdm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.testing.ManualClock;
import dev.jmdm.server.testing.StoreFixture;
import dev.jmdm.server.testing.TestDatabases.Engine;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The lockout on both engines, counted in the store, so two throttles on one database act as one. */
class SignInThrottleTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    private SignInThrottle throttle(StoreFixture f) {
        return new SignInThrottle(f.database.jdbi(), clock, 3, Duration.ofMinutes(5));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anEmailIsLockedOutAfterItsFailuresForLongerEachTimeInARow(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, clock)) {
            SignInThrottle throttle = throttle(f);
            for (int i = 0; i < 2; i++) {
                assertThat(throttle.failed("a@example.com", "10.0.0." + i)).isFalse();
                assertThat(throttle.wait("a@example.com", "10.0.0.9")).isZero();
            }
            assertThat(throttle.failed("a@example.com", "10.0.0.3")).as("this one locks").isTrue();
            assertThat(throttle.wait("a@example.com", "10.0.0.9")).isEqualTo(Duration.ofMinutes(5));
            assertThat(throttle.wait("b@example.com", "10.0.0.9")).as("other emails are not locked").isZero();
            clock.advance(Duration.ofMinutes(5));
            assertThat(throttle.wait("a@example.com", "10.0.0.9")).isZero();
            for (int i = 0; i < 3; i++) {
                throttle.failed("a@example.com", "10.0.1." + i);
            }
            assertThat(throttle.wait("a@example.com", "10.0.0.9")).isEqualTo(Duration.ofMinutes(10));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anAddressIsLockedOutAfterFourTimesAsManyFailuresOverAnyEmails(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, clock)) {
            SignInThrottle throttle = throttle(f);
            for (int i = 0; i < 11; i++) {
                throttle.failed("user" + i + "@example.com", "192.0.2.1");
            }
            assertThat(throttle.wait("new@example.com", "192.0.2.1")).isZero();
            throttle.failed("user11@example.com", "192.0.2.1");
            assertThat(throttle.wait("new@example.com", "192.0.2.1")).isEqualTo(Duration.ofMinutes(5));
            assertThat(throttle.wait("new@example.com", "192.0.2.2")).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aSuccessClearsTheEmailsFailures(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, clock)) {
            SignInThrottle throttle = throttle(f);
            throttle.failed("a@example.com", "10.0.0.1");
            throttle.failed("a@example.com", "10.0.0.1");
            throttle.succeeded("a@example.com");
            throttle.failed("a@example.com", "10.0.0.1");
            throttle.failed("a@example.com", "10.0.0.1");
            assertThat(throttle.wait("a@example.com", "10.0.0.1")).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void twoServersOnOneDatabaseCountTogether(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, clock)) {
            SignInThrottle one = throttle(f);
            SignInThrottle two = throttle(f);
            one.failed("a@example.com", "10.0.0.1");
            two.failed("a@example.com", "10.0.0.2");
            one.failed("a@example.com", "10.0.0.3");
            assertThat(two.wait("a@example.com", "10.0.0.4")).isEqualTo(Duration.ofMinutes(5));
            two.succeeded("a@example.com");
            assertThat(one.wait("a@example.com", "10.0.0.4")).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void quietKeysArePurgedAndLockedOnesKept(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, clock)) {
            SignInThrottle throttle = throttle(f);
            throttle.failed("quiet@example.com", "10.0.0.1");
            clock.advance(SignInThrottle.FORGET_AFTER.plusMinutes(1));
            for (int i = 0; i < 3; i++) {
                throttle.failed("locked@example.com", "10.0.0.2");
            }
            assertThat(throttle.purge()).as("the quiet email and its address").isEqualTo(2);
            assertThat(throttle.wait("locked@example.com", "10.0.0.9")).isEqualTo(Duration.ofMinutes(5));
        }
    }
}
