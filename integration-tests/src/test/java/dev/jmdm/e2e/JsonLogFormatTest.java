package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.KeyAlgorithm;
import dev.jmdm.certsdev.Pem;
import dev.jmdm.sim.DeviceTransport;
import dev.jmdm.sim.SimulatedDevice;
import dev.jmdm.sim.bench.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code MDM_LOG_FORMAT=json}: the server started as {@code java -jar} starts it writes every log line, from start to
 * graceful stop, as one JSON object; an unknown format stops it before it starts, in one line.
 */
class JsonLogFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyLineFromStartToStopIsOneJsonObject() throws Exception {
        Path dir = Files.createTempDirectory("jmdm-json-log");
        CertificateAuthority ca = CertificateAuthority.createRoot("json log device CA", Duration.ofDays(2));
        Files.writeString(dir.resolve("device-ca.pem"), Pem.encode(ca.certificate()));
        Map<String, String> env = Map.of("MDM_LOG_FORMAT", "json", "MDM_API_KEY", "json-log-api-key",
                "MDM_CA", dir.resolve("device-ca.pem").toString(), "MDM_DATA_DIR", dir.resolve("data").toString(),
                "MDM_INVENTORY", "false", "MDM_LOG_LEVEL", "info");
        Path log = dir.resolve("server.log");
        ServerProcess server = ServerProcess.start(env, List.of("-Xmx256m"), log);
        SimulatedDevice device = SimulatedDevice.mac(new DeviceTransport(DeviceTransport.defaultClient(), server.baseUri().resolve("/mdm")),
                ca.issueDeviceIdentity("json-log", Duration.ofDays(1), KeyAlgorithm.EC_P256), "com.apple.mgmt.External.json-log");
        device.enroll();
        // A refused request logs a WARN with details: still one JSON line.
        SimulatedDevice stranger = SimulatedDevice.mac(new DeviceTransport(DeviceTransport.defaultClient(), server.baseUri().resolve("/mdm")),
                CertificateAuthority.createRoot("stranger", Duration.ofDays(1)).issueDeviceIdentity("x", Duration.ofDays(1), KeyAlgorithm.EC_P256),
                "com.apple.mgmt.External.json-log");
        assertThat(stranger.authenticate().status()).isEqualTo(400);
        assertThat(server.terminate(Duration.ofSeconds(60))).isNotEqualTo(-1);

        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).hasSizeGreaterThan(3);
        List<String> messages = new ArrayList<>();
        for (String line : lines) {
            JsonNode event = JSON.readTree(line);
            assertThat(event.isObject()).as(line).isTrue();
            assertThat(event.get("level").asText()).as(line).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            assertThat(event.get("timestamp").asLong()).as(line).isPositive();
            assertThat(event.hasNonNull("loggerName")).as(line).isTrue();
            assertThat(event.hasNonNull("threadName")).as(line).isTrue();
            messages.add(event.get("formattedMessage").asText());
        }
        assertThat(messages).anyMatch(m -> m.startsWith("stopping")).anyMatch(m -> m.equals("stopped"));
    }

    @Test
    void anUnknownFormatRefusesToStartInOneLine() throws Exception {
        Path dir = Files.createTempDirectory("jmdm-json-log-bad");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                NoOutsideHostsTest.hostsGuard(), "-cp", ServerClasspath.of(), "dev.jmdm.server.Main");
        Map<String, String> env = new HashMap<>(Map.of("MDM_LOG_FORMAT", "xml", "MDM_LISTEN", "127.0.0.1:0",
                "MDM_DATA_DIR", dir.resolve("data").toString()));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(err.strip().lines()).as(err).containsExactly(
                "mdm-server: MDM_LOG_FORMAT: 'xml' is not a log format; use text (the default) or json");
        assertThat(Files.exists(dir.resolve("data"))).as("nothing was started").isFalse();
    }
}
