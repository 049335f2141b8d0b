package dev.jmdm.apns;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

import org.junit.jupiter.api.Test;

class PushTargetTest {
    private static final String TOPIC = "com.apple.mgmt.External.x";

    @Test
    void takesHexTokensOfAnyEvenLength() {
        assertThatNoException().isThrownBy(() -> new PushTarget("id", TOPIC, "0a1B", "magic"));
        assertThatNoException().isThrownBy(() -> new PushTarget("id", TOPIC, "ab".repeat(100), "magic"));
    }

    @Test
    void refusesTokensThatAreNotHex() {
        assertThatThrownBy(() -> new PushTarget("id", TOPIC, "", "magic")).hasMessageContaining("tokenHex");
        assertThatThrownBy(() -> new PushTarget("id", TOPIC, "abc", "magic")).hasMessageContaining("tokenHex");
        assertThatThrownBy(() -> new PushTarget("id", TOPIC, "zz", "magic")).hasMessageContaining("tokenHex");
        assertThatThrownBy(() -> new PushTarget("id", TOPIC, null, "magic")).hasMessageContaining("tokenHex");
    }

    @Test
    void refusesBlankFields() {
        assertThatThrownBy(() -> new PushTarget(" ", TOPIC, "00", "m")).hasMessageContaining("enrollmentId");
        assertThatThrownBy(() -> new PushTarget("id", null, "00", "m")).hasMessageContaining("topic");
        assertThatThrownBy(() -> new PushTarget("id", TOPIC, "00", "")).hasMessageContaining("pushMagic");
    }
}
