package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With MDM_ENROLL_REQUIRE_TOKEN=true, /mdm/enroll answers only holders of a valid enrollment link. */
class EnrollRequireTokenTest {
    @Test
    void withoutAValidTokenTheProfileIsRefused() throws Exception {
        try (TlsStack tls = new TlsStack(TestDatabases.Engine.EMBEDDED, Map.of("MDM_ENROLL_REQUIRE_TOKEN", "true"))) {
            tls.uploadPushCert();
            HttpResponse<String> none = get(tls, "/mdm/enroll");
            assertThat(none.statusCode()).isEqualTo(403);
            assertThat(none.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(none.body()).contains("enrollment link is required");
            assertThat(get(tls, "/mdm/enroll?token=").statusCode()).isEqualTo(403);
            assertThat(get(tls, "/mdm/enroll?token=guess").statusCode()).isEqualTo(403);

            AdminClient.Reply link = tls.admin.send("POST", "/v1/enrollment-links",
                    "{\"max_uses\": 1}".getBytes(StandardCharsets.UTF_8));
            String url = link.json().get("url").asText();
            HttpResponse<byte[]> ok = tls.http.send(HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/x-apple-aspen-config");
            assertThat(tls.http.send(HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        }
    }

    private static HttpResponse<String> get(TlsStack tls, String path) throws Exception {
        return tls.http.send(HttpRequest.newBuilder(tls.base().resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
