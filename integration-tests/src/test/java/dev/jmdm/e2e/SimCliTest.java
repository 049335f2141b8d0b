package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmdm.certsdev.DevStack;
import dev.jmdm.certsdev.KeyAlgorithm;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Profiles;
import dev.jmdm.sim.cli.SimCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mdm-sim} as the README's quick start and docs/simulator.md use it: a device made from certs-dev's
 * {@code issue-device} files, kept in a state file between runs, and every expected refusal said in one line with a
 * non-zero exit code.
 */
class SimCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private Path certs;
    private TestServer server;

    /** What one run printed, and its exit code. */
    record Run(int exit, String out, String err) {
        void failedInOneLine(String... mentions) {
            assertThat(exit).as("exit code; stderr: %s", err).isEqualTo(1);
            assertThat(err.strip().lines()).as("stderr: %s", err).hasSize(1);
            assertThat(err).startsWith("mdm-sim: ").doesNotContain("\tat ").doesNotContain("Exception");
            for (String m : mentions) {
                assertThat(err).contains(m);
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("jmdm-sim-cli");
        certs = dir.resolve("dev-certs");
        DevStack.init(certs);
        for (String udid : List.of("SIM-1", "SIM-2")) {
            DevStack.issueDevice(certs, udid, KeyAlgorithm.EC_P256, Duration.ofDays(2), false);
        }
        server = new TestServer(TestDatabases.Engine.EMBEDDED, dir,
                Map.of("MDM_CA", certs.resolve("device-ca.pem").toString()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static Run sim(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SimCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private String base() {
        return server.baseUri().toString();
    }

    private String identity(String udid) {
        return certs.resolve("devices/" + udid + ".pem").toString();
    }

    @Test
    void aCertsDevIdentityEnrollsAndTheStateFileKeepsTheDeviceAndItsProfilesBetweenRuns() throws Exception {
        Path state = dir.resolve("sim-1.json");
        Run enroll = sim("enroll", "--identity", identity("SIM-1"), "--server", base(), "--state", state.toString());
        assertThat(enroll.exit()).as(enroll.err()).isZero();
        // The device reports the topic of certs-dev's stand-in push certificate, so that uploading it can wake the device.
        assertThat(enroll.out()).contains("enrolled SIM-1").contains("topic " + DevStack.load(certs).pushTopic());
        assertThat(server.admin.enrollments("id=SIM-1").body()).contains("SIM-1");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rw-------");
        JsonNode before = JSON.readTree(state.toFile());

        // An admin assigns a profile; the device, started again from its state file alone, installs it.
        String identifier = "com.example.sim-cli." + UUID.randomUUID();
        assertThat(server.admin.send("POST", "/v1/profiles", Profiles.withOnePayload(identifier, UUID.randomUUID().toString(),
                "Sim CLI", "com.apple.dock", 48)).status()).isEqualTo(201);
        assertThat(server.admin.send("PUT", "/v1/profiles/" + identifier + "/targets",
                "{\"hosts\": [\"SIM-1\"]}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        assertThat(server.admin.send("POST", "/v1/profiles/reconcile", null).status()).isEqualTo(200);
        Run poll = sim("poll", "--state", state.toString());
        assertThat(poll.exit()).as(poll.err()).isZero();
        assertThat(poll.out()).contains("InstallProfile -> Acknowledged");

        // A third run, again from the file: the device still holds the profile, and its push identity is the same.
        Run run = sim("run", "ProfileList", "--state", state.toString(), "--api-key", TestServer.API_KEY);
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode command = JSON.readTree(run.out());
        JsonNode enrollment = command.get("enrollments").get(0);
        assertThat(enrollment.get("status").asText()).isEqualTo("Acknowledged");
        assertThat(enrollment.toString()).contains(identifier);
        JsonNode after = JSON.readTree(state.toFile());
        assertThat(after.get("token")).isEqualTo(before.get("token"));
        assertThat(after.get("pushMagic")).isEqualTo(before.get("pushMagic"));
        assertThat(after.get("enrolled").asBoolean()).isTrue();
    }

    @Test
    void runPrintsTheServersRecordOfTheCommandAsJson() throws Exception {
        Path state = dir.resolve("sim-1.json");
        assertThat(sim("enroll", "--identity", identity("SIM-1"), "--server", base(), "--state", state.toString()).exit()).isZero();
        Run run = sim("run", "DeviceInformation", "--state", state.toString(), "--api-key", TestServer.API_KEY);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("DeviceInformation -> Acknowledged");
        JsonNode command = JSON.readTree(run.out());
        assertThat(command.toString()).contains("DeviceInformation").contains("SIM-1");
        assertThat(command.get("enrollments").get(0).get("status").asText()).isEqualTo("Acknowledged");
    }

    /** The README's quick start: a fresh certs-dev identity goes straight to `run`, which enrolls it first. */
    @Test
    void runEnrollsAFreshDeviceFirst() throws Exception {
        Path state = dir.resolve("sim-fresh.json");
        Run run = sim("run", "DeviceInformation", "--identity", identity("SIM-1"), "--server", base(), "--state", state.toString(),
                "--api-key", TestServer.API_KEY);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("enrolled SIM-1").contains("DeviceInformation -> Acknowledged");
        assertThat(JSON.readTree(run.out()).get("enrollments").get(0).get("status").asText()).isEqualTo("Acknowledged");
        assertThat(JSON.readTree(Files.readString(state)).get("enrolled").asBoolean()).isTrue();
        // The next run is the same, enrolled device: no second Authenticate.
        Run again = sim("run", "ProfileList", "--state", state.toString(), "--api-key", TestServer.API_KEY);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.err()).doesNotContain("enrolled SIM-1");
    }

    @Test
    void expectedRefusalsAreOneLineAndExitOne() throws Exception {
        Path state = dir.resolve("sim-1.json");
        assertThat(sim("enroll", "--identity", identity("SIM-1"), "--server", base(), "--state", state.toString()).exit()).isZero();

        // A device the server does not know (never enrolled): 403 with Apple's unrecognized-device code.
        sim("poll", "--identity", identity("SIM-2"), "--server", base())
                .failedInOneLine("403", "does not know this device");
        // A certificate bound to another device.
        sim("enroll", "--identity", identity("SIM-1"), "--udid", "SIM-OTHER", "--server", base())
                .failedInOneLine("Authenticate refused with 403", "may not speak for that device");
        // An identity from a CA the server does not trust.
        Path stranger = dir.resolve("stranger-certs");
        DevStack.init(stranger);
        DevStack.issueDevice(stranger, "SIM-3", KeyAlgorithm.EC_P256, Duration.ofDays(2), false);
        sim("enroll", "--identity", stranger.resolve("devices/SIM-3.pem").toString(), "--server", base())
                .failedInOneLine("Authenticate refused with 400");
        // A key that is not the certificate's, and a file that is not there.
        sim("enroll", "--identity", identity("SIM-1"), "--key", certs.resolve("devices/SIM-2.key").toString(), "--server", base())
                .failedInOneLine("the private key is not the certificate's");
        sim("enroll", "--identity", dir.resolve("missing.pem").toString()).failedInOneLine("no such file");
        // The admin API: a wrong key (401), a device it has no enrollment for (404).
        sim("run", "DeviceInformation", "--state", state.toString(), "--api-key", "not-the-key").failedInOneLine("401");
        // A device its state calls enrolled, which the server has since forgotten (its host deleted): 404.
        Path forgotten = dir.resolve("sim-2.json");
        assertThat(sim("enroll", "--identity", identity("SIM-2"), "--server", base(), "--state", forgotten.toString()).exit()).isZero();
        assertThat(server.admin.send("DELETE", "/v1/hosts/SIM-2", null).status()).isEqualTo(200);
        sim("run", "DeviceInformation", "--state", forgotten.toString(), "--api-key", TestServer.API_KEY)
                .failedInOneLine("404", "enroll the device first");
        // The server is down.
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        sim("poll", "--state", state.toString(), "--server", "http://127.0.0.1:" + closed).failedInOneLine("cannot reach the server");
        // ... and that failed run's --server did not stick in the state file: the device still finds its server.
        assertThat(sim("poll", "--state", state.toString()).exit()).isZero();
        // Nothing says who the device is.
        sim("poll", "--state", dir.resolve("nobody.json").toString()).failedInOneLine("who is the device?");
    }

    /** The launcher the README runs: a real process, so the exit code is System.exit's. */
    @Test
    void theLauncherScriptRunsTheSimulatorAndExitsNonZeroOnARefusal() throws Exception {
        Path state = dir.resolve("sim-1.json");
        Process help = launcher("--help");
        assertThat(new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("Usage: mdm-sim")
                .contains("enroll").contains("poll").contains("run").contains("apns");
        assertThat(help.waitFor()).isZero();

        Process enroll = launcher("enroll", "--identity", identity("SIM-1"), "--server", base(), "--state", state.toString());
        assertThat(new String(enroll.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("enrolled SIM-1");
        assertThat(enroll.waitFor()).isZero();

        server.admin.send("DELETE", "/v1/hosts/SIM-1", null);
        Process refused = launcher("poll", "--state", state.toString());
        String err = new String(refused.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(refused.waitFor()).isEqualTo(1);
        assertThat(err.strip().lines()).hasSize(1);
        assertThat(err).contains("does not know this device");
    }

    /** bin/mdm-sim on this test's classpath (the jar it runs by default is built after the tests). */
    static Process launcher(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of("bin", "mdm-sim").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("MDM_SIM_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("MDM_SIM_JAVA_OPTS", NoOutsideHostsTest.hostsGuard());
        pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }
}
