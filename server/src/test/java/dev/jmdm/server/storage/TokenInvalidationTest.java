package dev.jmdm.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.testing.StoreFixture;
import dev.jmdm.server.testing.TestDatabases.Engine;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** APNs's "token gone" only stops pushes to the token it was about. */
class TokenInvalidationTest {
    @ParameterizedTest
    @EnumSource(Engine.class)
    void aGoneTokenAnswerArrivingAfterATokenUpdateLeavesTheNewTokenPushable(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            RepushClaimTest.tokenUpdate(f, "RACED", "AAEC");
            // The device sends a new token while APNs is still answering the push to the old one.
            RepushClaimTest.tokenUpdate(f, "RACED", "CgsM");

            assertThat(f.enrollments.markTokenInvalid("RACED", "000102", "Unregistered")).isFalse();
            assertThat(f.enrollments.pushInfo(List.of("RACED"))).singleElement()
                    .satisfies(p -> assertThat(p.tokenInvalid()).isFalse());

            assertThat(f.enrollments.markTokenInvalid("RACED", "0a0b0c", "Unregistered")).isTrue();
            assertThat(f.enrollments.pushInfo(List.of("RACED"))).singleElement()
                    .satisfies(p -> assertThat(p.tokenInvalid()).isTrue());
        }
    }
}
