package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jmdm.certsdev.DevStack;
import dev.jmdm.certsdev.LoadedStack;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.MockApns;
import dev.jmdm.sim.SimulatedDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device that is offline when its wakeup is sent comes back later: the server pushes it again
 * because its command still waits and it has been silent, and the command is delivered.
 */
class RepushTest {
    @Test
    void aDeviceThatMissedItsWakeupIsPushedAgainAndGetsItsCommand(@TempDir Path dir) throws Exception {
        DevStack.init(dir.resolve("pki"));
        LoadedStack stack = DevStack.load(dir.resolve("pki"));
        try (MockApns apns = new MockApns(stack.apnsServer(), stack.pushCa().certificate());
                TestServer server = new TestServer(TestDatabases.Engine.EMBEDDED, dir, Map.of(
                        "MDM_APNS_URL", apns.url(), "MDM_APNS_CA", stack.files().caCert().toString(), "MDM_REPUSH_AFTER", "2s"))) {
            AdminClient admin = server.admin;
            assertThat(admin.send("PUT", "/v1/pushcert", (Files.readString(stack.files().pushCert())
                    + Files.readString(stack.files().pushKey())).getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
            SimulatedDevice device = SimulatedDevice.mac(server.transport, server.identity("offline"), stack.pushTopic());
            device.enroll();

            // Offline: APNs takes the push, but nothing wakes.
            Commands.Built cmd = Commands.of("ProfileList");
            assertThat(admin.enqueue(cmd.plist(), List.of(device.enrollmentId()), false).status()).isEqualTo(200);
            assertThat(apns.receivedFor(device.channel().tokenHex())).hasSize(1);

            // Back online: the next wakeup (a re-push, nobody asked for it) reaches it.
            apns.route(device.channel());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(admin.command(cmd.commandUuid()).json().get("enrollments").get(0).get("status").asText())
                            .isEqualTo("Acknowledged"));
            assertThat(apns.receivedFor(device.channel().tokenHex()).size()).isGreaterThanOrEqualTo(2);
        }
    }
}
