package dev.jmdm.server.dep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DepClientTest {
    /** RFC 5849 §1.2's worked example (photos.example.net), signature given in the RFC. */
    @Test
    void theOauthSignatureMatchesRfc5849sExample() {
        Map<String, String> p = new TreeMap<>();
        p.put("oauth_consumer_key", "dpf43f3p2l4k3l03");
        p.put("oauth_token", "nnch734d00sl2jdk");
        p.put("oauth_signature_method", "HMAC-SHA1");
        p.put("oauth_timestamp", "137131202");
        p.put("oauth_nonce", "chapoH");
        String sig = DepClient.signature("GET", URI.create("http://photos.example.net/photos?file=vacation.jpg&size=original"), p,
                "kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
        assertThat(sig).isEqualTo("MdpQcU8iPSUjWoN/UDMsK2sui9I=");
    }

    @Test
    void appleErrorWordsAreReadFromPlainAndJsonBodies() {
        assertThat(DepClient.errorCode("MALFORMED_CURSOR".getBytes(StandardCharsets.UTF_8))).isEqualTo("MALFORMED_CURSOR");
        assertThat(DepClient.errorCode("\"EXPIRED_CURSOR\"\n".getBytes(StandardCharsets.UTF_8))).isEqualTo("EXPIRED_CURSOR");
        assertThat(DepClient.errorCode("{\"code\": \"T_C_NOT_SIGNED\", \"message\": \"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("T_C_NOT_SIGNED");
        assertThat(DepClient.errorCode("<html>Bad gateway</html>".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void theTokensMessageIsReadAndItsFaultsNamed() {
        DepToken t = TokenFile.parseMessage("Content-Type: text/plain\r\n\r\n-----BEGIN MESSAGE-----\n{\"consumer_key\":\"CK_1\","
                + "\"consumer_secret\":\"CS_1\",\"access_token\":\"AT_1\",\"access_secret\":\"AS_1\",\"access_token_expiry\":\"2027-01-02T03:04:05Z\"}"
                + "\n-----END MESSAGE-----\n");
        assertThat(t.consumerKey()).isEqualTo("CK_1");
        assertThat(t.accessTokenExpiry()).hasToString("2027-01-02T03:04:05Z");
        assertThat(t.toString()).doesNotContain("CS_1").doesNotContain("AS_1");
        assertThatThrownBy(() -> TokenFile.parseMessage("-----BEGIN MESSAGE-----\n{\"consumer_key\":\"a\"}\n-----END MESSAGE-----"))
                .hasMessageContaining("consumer_secret");
        assertThatThrownBy(() -> TokenFile.parseMessage("-----BEGIN MESSAGE-----\nnot json\n-----END MESSAGE-----"))
                .hasMessageContaining("not JSON");
    }
}
