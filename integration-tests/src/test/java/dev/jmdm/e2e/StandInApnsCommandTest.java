package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.certsdev.DevStack;
import dev.jmdm.certsdev.LoadedStack;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.SimulatedDevice;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code mdm-sim apns}, the stand-in APNs the README's HTTPS walkthrough starts: a server pointed at it with the two
 * settings it prints pushes there (never to Apple), and the command prints each push it accepted.
 */
class StandInApnsCommandTest {
    @Test
    void theServerPushesToTheStandInWithTheSettingsItPrints() throws Exception {
        Path dir = Files.createTempDirectory("jmdm-apns-cmd");
        Path certs = dir.resolve("dev-certs");
        DevStack.init(certs);
        LoadedStack stack = DevStack.load(certs);
        Process apns = SimCliTest.launcher("apns", "--certs", certs.toString(), "--port", "0");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(apns.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            } catch (java.io.IOException ended) {
                // the process was stopped
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            String first = lines.poll(60, TimeUnit.SECONDS);
            assertThat(first).as("first line of mdm-sim apns").contains("stand-in APNs listening on https://127.0.0.1:");
            String settings = lines.poll(10, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("MDM_APNS_URL=(\\S+) MDM_APNS_CA=(\\S+)").matcher(settings);
            assertThat(m.find()).as(settings).isTrue();
            assertThat(Path.of(m.group(2))).isEqualTo(stack.files().caCert().toAbsolutePath());

            try (TestServer server = new TestServer(TestDatabases.Engine.EMBEDDED, dir,
                    // The first push opens the TLS connection to another JVM on two shared cores: give it time.
                    Map.of("MDM_APNS_URL", m.group(1), "MDM_APNS_CA", m.group(2), "MDM_APNS_TIMEOUT", "30s"))) {
                String pem = Files.readString(stack.files().pushCert()) + Files.readString(stack.files().pushKey());
                assertThat(server.admin.send("PUT", "/v1/pushcert", pem.getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
                SimulatedDevice mac = SimulatedDevice.mac(server.transport, server.identity("pushed"), stack.pushTopic());
                mac.enroll();
                var pushed = server.admin.push(List.of(mac.enrollmentId()));
                assertThat(pushed.status()).as(pushed.body()).isEqualTo(200);
                String push = lines.poll(30, TimeUnit.SECONDS);
                assertThat(push).startsWith("push mdm topic " + stack.pushTopic() + " token " + mac.channel().tokenHex() + " payload ")
                        .contains(mac.channel().pushMagic());
            }
        } finally {
            apns.destroy();
            assertThat(apns.waitFor(30, TimeUnit.SECONDS)).as("mdm-sim apns stops on SIGTERM").isTrue();
        }
    }
}
