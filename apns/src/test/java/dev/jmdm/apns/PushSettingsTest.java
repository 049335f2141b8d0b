package dev.jmdm.apns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PushSettingsTest {

    @Test
    void defaultsToProductionApns() {
        PushSettings settings = PushSettings.builder().build();

        assertThat(settings.host()).isEqualTo("api.push.apple.com");
        assertThat(settings.port()).isEqualTo(443);
        assertThat(settings.trustedServerCertificates()).isEmpty();
        assertThat(settings.maxInFlight()).isEqualTo(1000);
        assertThat(settings.expiration()).isEqualTo(Duration.ofDays(3));
        assertThat(settings.retry()).isEqualTo(RetryPolicy.DEFAULT);
    }

    @Test
    void sandboxAndStandIns() {
        assertThat(PushSettings.builder().sandbox().build().host()).isEqualTo("api.sandbox.push.apple.com");
        PushSettings local = PushSettings.builder().server("127.0.0.1", 2197).build();
        assertThat(local.host()).isEqualTo("127.0.0.1");
        assertThat(local.port()).isEqualTo(2197);
        assertThat(PushSettings.builder().server("127.0.0.1", 2197).production().build().host())
                .isEqualTo("api.push.apple.com");
    }

    @Test
    void keepsItsOwnCopyOfTheTrustAnchors() {
        List<X509Certificate> anchors = new ArrayList<>(List.of(TestPki.CA.certificate()));
        PushSettings settings = PushSettings.builder().trustedServerCertificates(anchors).build();
        anchors.clear();

        assertThat(settings.trustedServerCertificates()).containsExactly(TestPki.CA.certificate());
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> PushSettings.builder().server(" ", 443).build()).hasMessageContaining("host");
        assertThatThrownBy(() -> PushSettings.builder().server("h", 0).build()).hasMessageContaining("port");
        assertThatThrownBy(() -> PushSettings.builder().server("h", 65536).build()).hasMessageContaining("port");
        assertThatThrownBy(() -> PushSettings.builder().maxInFlight(0).build()).hasMessageContaining("maxInFlight");
        assertThatThrownBy(() -> PushSettings.builder().connectionsPerTopic(0).build())
                .hasMessageContaining("connectionsPerTopic");
        assertThatThrownBy(() -> PushSettings.builder().expiration(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("expiration");
        assertThatThrownBy(() -> PushSettings.builder().attemptTimeout(Duration.ZERO).build())
                .hasMessageContaining("attemptTimeout");
    }
}
