package dev.jmdm.server.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What /readyz and /metrics say about failing pushes. */
class PushHealthTest {
    private static final Instant T0 = Instant.parse("2030-05-01T12:00:00Z");

    private final ManualClock clock = new ManualClock(T0);
    private final PushHealth health = new PushHealth(clock);

    @Test
    void aFailureRunCountsEachPushOnceKeepsItsStartAndTheLastErrorAndEndsWithAnAcceptedPush() {
        assertThat(health.warnings()).isEmpty();
        assertThat(health.failingSinceEpochSeconds()).isZero();

        health.unanswered(3);
        health.failed("APNs did not answer within 5000 ms", 3);
        clock.advance(Duration.ofSeconds(40));
        // the same three pushes end later: a better error, not three more failures
        health.failed("UnknownHostException: apns.invalid", 0);
        clock.advance(Duration.ofSeconds(20));
        health.failed("BadCertificate (APNs status 403)", 1);

        PushHealth.Snapshot s = health.snapshot();
        assertThat(s.failingSince()).isEqualTo(T0);
        assertThat(s.failures()).isEqualTo(4);
        assertThat(s.lastError()).isEqualTo("BadCertificate (APNs status 403)");
        assertThat(s.lastErrorAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(health.failingSinceEpochSeconds()).isEqualTo(T0.getEpochSecond());
        assertThat(health.unansweredTotal()).isEqualTo(3);
        assertThat(health.warnings()).singleElement().asString().startsWith("pushes failing since " + T0 + ": 4 push(es)")
                .contains("BadCertificate");

        health.accepted();
        assertThat(health.snapshot().failing()).isFalse();
        assertThat(health.warnings()).isEmpty();
        assertThat(health.failures()).isZero();
        assertThat(health.unansweredTotal()).as("a counter: it never goes back").isEqualTo(3);

        // a late failure of a push counted before the recovery does not start a new run
        health.failed("APNs did not answer within 30000 ms", 0);
        assertThat(health.snapshot().failing()).isFalse();
    }
}
