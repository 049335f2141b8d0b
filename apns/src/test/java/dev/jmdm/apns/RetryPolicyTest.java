package dev.jmdm.apns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final RetryPolicy POLICY = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1), 0.5);

    @Test
    void doublesTheWaitAfterEachFailureUpToTheCap() {
        assertThat(POLICY.backoffAfter(1, 0)).isEqualTo(Duration.ofMillis(100));
        assertThat(POLICY.backoffAfter(2, 0)).isEqualTo(Duration.ofMillis(200));
        assertThat(POLICY.backoffAfter(3, 0)).isEqualTo(Duration.ofMillis(400));
        assertThat(POLICY.backoffAfter(4, 0)).isEqualTo(Duration.ofMillis(800));
        assertThat(POLICY.backoffAfter(5, 0)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterTakesAtMostItsFractionOff() {
        assertThat(POLICY.backoffAfter(2, 0.5)).isEqualTo(Duration.ofMillis(150));
        assertThat(POLICY.backoffAfter(2, 0.999_999)).isGreaterThan(Duration.ofMillis(100));
        RetryPolicy full = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), 1.0);
        assertThat(full.backoffAfter(1, 0.999_999)).isLessThan(Duration.ofMillis(1));
    }

    @Test
    void longFailureRunsStayAtTheCapInsteadOfOverflowing() {
        RetryPolicy huge = new RetryPolicy(1000, Duration.ofDays(1), Duration.ofDays(3650), 0);

        assertThat(huge.backoffAfter(63, 0)).isEqualTo(Duration.ofDays(3650));
        assertThat(huge.backoffAfter(999, 0)).isEqualTo(Duration.ofDays(3650));
    }

    @Test
    void zeroBackoffMeansRetryAtOnce() {
        assertThat(new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 1).backoffAfter(2, 0.3)).isEqualTo(Duration.ZERO);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(2), Duration.ofSeconds(1), 0))
                .hasMessageContaining("baseBackoff <= maxBackoff");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofMillis(-1), Duration.ofSeconds(1), 0))
                .hasMessageContaining("0 <= baseBackoff");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.5)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Double.NaN)).hasMessageContaining("jitter");
    }
}
