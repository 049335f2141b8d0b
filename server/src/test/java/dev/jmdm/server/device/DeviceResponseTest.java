package dev.jmdm.server.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class DeviceResponseTest {
    @Test
    void aRefusalIsAJsonErrorThatReadsBackAsTheReasonWhateverItHolds() throws Exception {
        // Reasons quote what a device sent (ids, topics): quotes, backslashes, control characters, emoji.
        String reason = "device \"A\\B\"\n\ttopic \u0001 \uD83D\uDE00 é";
        DeviceResponse r = DeviceResponse.refuse(409, reason);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.contentType()).isEqualTo("application/json");
        var json = new ObjectMapper().readTree(r.body());
        assertThat(json.size()).isEqualTo(1);
        assertThat(json.get("error").asText()).isEqualTo(reason);
    }

    @Test
    void devicesAreNeverAnswered401() {
        assertThatThrownBy(() -> DeviceResponse.refuse(401, "no")).isInstanceOf(IllegalArgumentException.class);
    }
}
