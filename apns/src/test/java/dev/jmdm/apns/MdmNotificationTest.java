package dev.jmdm.apns;

import static org.assertj.core.api.Assertions.assertThat;

import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MdmNotificationTest {

    @Test
    void isTheBareMdmWakeup() {
        PushTarget target = new PushTarget("UDID-1", "com.apple.mgmt.External.x", "00ff", "7F4C1E6B-1D6E-4AB4-8C4B-5B0B6F1A2D3E");
        Instant expiry = Instant.parse("2030-01-01T00:00:00Z");

        SimpleApnsPushNotification n = MdmNotification.of(target, expiry);

        assertThat(n.getPayload()).isEqualTo("{\"mdm\":\"7F4C1E6B-1D6E-4AB4-8C4B-5B0B6F1A2D3E\"}");
        assertThat(n.getPushType()).isEqualTo(PushType.MDM);
        assertThat(n.getPriority()).isEqualTo(DeliveryPriority.IMMEDIATE);
        assertThat(n.getTopic()).isEqualTo("com.apple.mgmt.External.x");
        assertThat(n.getToken()).isEqualTo("00ff");
        assertThat(n.getExpiration()).isEqualTo(expiry);
    }

    @Test
    void escapesWhatWouldBreakTheJson() {
        assertThat(MdmNotification.payload("a\"b\\c\nd\u0001")).isEqualTo("{\"mdm\":\"a\\\"b\\\\c\\u000ad\\u0001\"}");
    }
}
