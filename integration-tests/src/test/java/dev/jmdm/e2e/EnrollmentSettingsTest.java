package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.Pem;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.EnrollmentProfile;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Enrollment with its optional settings: MDM_ENROLL_REQUIRE_TOKEN (only holders of a valid enrollment link get a
 * profile), MDM_SIGNING_CERT/KEY (a signer other than the TLS certificate) and MDM_PUBLIC_URL (where profiles and
 * links point devices).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnrollmentSettingsTest {
    private static final String PUBLIC_URL = "https://mdm.example.test:8443";

    private final CertificateAuthority signingCa = CertificateAuthority.createRoot("profile signing root", Duration.ofDays(2));
    private final Issued signing = signingCa.issueServer(List.of("mdm.example.test"), Duration.ofDays(1));
    private TlsStack tls;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("jmdm-signing");
        Files.writeString(dir.resolve("signing.pem"), Pem.encode(signing.fullChain()));
        Files.writeString(dir.resolve("signing.key"), Pem.encode(signing.privateKey()));
        tls = new TlsStack(TestDatabases.Engine.EMBEDDED, Map.of("MDM_ENROLL_REQUIRE_TOKEN", "true",
                "MDM_SIGNING_CERT", dir.resolve("signing.pem").toString(), "MDM_SIGNING_KEY", dir.resolve("signing.key").toString(),
                "MDM_PUBLIC_URL", PUBLIC_URL, "MDM_INVENTORY", "false"));
        tls.uploadPushCert();
    }

    @AfterAll
    void stop() {
        if (tls != null) {
            tls.close();
        }
    }

    @Test
    void withoutAValidTokenTheProfileIsRefused() throws Exception {
        HttpResponse<String> none = get("/mdm/enroll");
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(none.body()).contains("enrollment link is required");
        assertThat(get("/mdm/enroll?token=").statusCode()).isEqualTo(403);
        assertThat(get("/mdm/enroll?token=guess").statusCode()).isEqualTo(403);

        String token = link("{\"max_uses\": 1}");
        HttpResponse<byte[]> ok = download("/mdm/enroll?token=" + token);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/x-apple-aspen-config");
        assertThat(get("/mdm/enroll?token=" + token).statusCode()).isEqualTo(403);
    }

    @Test
    void theProfileIsSignedByTheSigningCertificateAndPointsAtThePublicUrl() throws Exception {
        AdminClient.Reply created = tls.admin.send("POST", "/v1/enrollment-links", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(created.json().get("url").asText()).startsWith(PUBLIC_URL + "/mdm/enroll?token=");

        EnrollmentProfile profile = EnrollmentProfile.read(download("/mdm/enroll?token=" + created.json().get("token").asText()).body());
        assertThat(profile.signer()).isEqualTo(signing.certificate());
        assertThat(profile.serverUrl()).isEqualTo(URI.create(PUBLIC_URL + "/mdm"));
        assertThat(profile.checkInUrl()).isEqualTo(URI.create(PUBLIC_URL + "/mdm/checkin"));
        assertThat(profile.topic()).isEqualTo(tls.stack.pushTopic());
    }

    private String link(String json) {
        return tls.admin.send("POST", "/v1/enrollment-links", json.getBytes(StandardCharsets.UTF_8)).json().get("token").asText();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return tls.http.send(HttpRequest.newBuilder(tls.base().resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> download(String path) throws Exception {
        return tls.http.send(HttpRequest.newBuilder(tls.base().resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
