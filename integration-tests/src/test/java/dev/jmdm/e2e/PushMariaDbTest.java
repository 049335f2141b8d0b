package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.Pem;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.SimulatedDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** APNs scenarios on MySQL/MariaDB, plus what only a shared database allows: several servers. */
class PushMariaDbTest extends PushScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }

    @Test
    void aCertificateRenewedThroughOneServerIsUsedByAnotherAtOnce() throws Exception {
        try (TestServer second = new TestServer(server, Files.createTempDirectory("jmdm-second"))) {
            SimulatedDevice d = SimulatedDevice.mac(server.transport, server.identity("shared"), stack.pushTopic());
            d.enroll();
            Issued renewed = stack.pushCa().issue(pushSpec(stack.pushTopic(), Instant.now().plus(Duration.ofDays(200))));
            // Renewed through the first server ...
            byte[] pem = Pem.encode(renewed.certificate(), renewed.privateKey()).getBytes(StandardCharsets.UTF_8);
            assertThat(server.admin.send("PUT", "/v1/pushcert", pem).status()).isEqualTo(200);
            // ... and the second server's very next push uses it, without waiting for its periodic reload.
            assertThat(second.admin.push(List.of(d.enrollmentId())).status()).isEqualTo(200);
            var got = apns.receivedFor(d.channel().tokenHex());
            assertThat(got.get(got.size() - 1).clientSerial()).isEqualTo(renewed.certificate().getSerialNumber());
        }
    }

    @Test
    void aServerWithAnotherSecretKeySaysInReadyzThatItCannotUseThePushCertificate() throws Exception {
        try (TestServer wrongKey = new TestServer(server, Files.createTempDirectory("jmdm-wrong-key"),
                java.util.Map.of("MDM_SECRET_KEY", "not-the-key-the-certificate-was-sealed-with"))) {
            var ready = wrongKey.http.send(java.net.http.HttpRequest.newBuilder(wrongKey.baseUri().resolve("/readyz")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains(stack.pushTopic()).contains("cannot be loaded").contains("MDM_SECRET_KEY");
            var rightKey = server.http.send(java.net.http.HttpRequest.newBuilder(server.baseUri().resolve("/readyz")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(rightKey.body()).doesNotContain("cannot be loaded");
        }
    }
}
