package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.KeyAlgorithm;
import dev.jmdm.certsdev.Pem;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.DeviceTransport;
import dev.jmdm.sim.SimulatedDevice;
import dev.jmdm.sim.bench.ServerProcess;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM while a request is under way: the server says it is stopping, refuses new requests (503, a JSON
 * error, Retry-After), lets
 * the one under way finish and answers it, then closes the store; what it answered 200 is kept.
 */
class GracefulStopTest {
    private static final String API_KEY = "graceful-stop-api-key";

    @Test
    void sigtermFinishesTheRequestUnderWayThenClosesTheStore() throws Exception {
        Path dir = Files.createTempDirectory("jmdm-stop");
        CertificateAuthority ca = CertificateAuthority.createRoot("stop device CA", Duration.ofDays(2));
        Files.writeString(dir.resolve("device-ca.pem"), Pem.encode(ca.certificate()));
        Map<String, String> env = Map.of("MDM_API_KEY", API_KEY, "MDM_CA", dir.resolve("device-ca.pem").toString(),
                "MDM_DATA_DIR", dir.resolve("data").toString(), "MDM_INVENTORY", "false", "MDM_REPUSH_AFTER", "0",
                "MDM_LOG_LEVEL", "info");
        HttpClient http = DeviceTransport.defaultClient();
        Path log = dir.resolve("server.log");
        ServerProcess server = ServerProcess.start(env, List.of("-Xmx256m"), log);
        SimulatedDevice device = SimulatedDevice.mac(new DeviceTransport(http, server.baseUri().resolve("/mdm")),
                ca.issueDeviceIdentity("stop", Duration.ofDays(1), KeyAlgorithm.EC_P256), "com.apple.mgmt.External.stop");
        device.enroll();

        // An enqueue whose body is half sent: the request is under way when the stop begins.
        Commands.Built command = Commands.deviceInformation("UDID");
        byte[] body = command.plist();
        int half = body.length / 2;
        try (Socket socket = new Socket(server.baseUri().getHost(), server.baseUri().getPort())) {
            OutputStream out = socket.getOutputStream();
            String basic = Base64.getEncoder().encodeToString(("nanomdm:" + API_KEY).getBytes(StandardCharsets.UTF_8));
            out.write(("PUT /v1/enqueue/" + device.enrollmentId() + "?nopush=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Basic " + basic + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, half);
            out.flush();
            Thread.sleep(500); // the handler is reading the body

            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.terminate(Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.readString(log).contains("stopping") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(log)).contains("stopping");
            // A new request while stopping is refused, not half-served, with a JSON error and when to come back.
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/enrollments"))
                    .header("Authorization", "Basic " + basic).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(refused.body()).contains("\"error\"", "stopping");
            assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
            assertThat(exit).isNotDone();

            out.write(body, half, body.length - half);
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200");
            assertThat(exit.get()).as("exit code after SIGTERM").isEqualTo(143);
        }
        String logged = Files.readString(log);
        assertThat(logged).contains("stopping").contains("stopped").doesNotContain("Exception").doesNotContain("ERROR");

        // The store was closed cleanly, and the enqueue answered during the stop is in it.
        try (ServerProcess again = ServerProcess.start(env, List.of("-Xmx256m"), dir.resolve("again.log"))) {
            AdminClient admin = new AdminClient(http, again.baseUri(), API_KEY);
            assertThat(admin.command(command.commandUuid()).status()).isEqualTo(200);
        }
    }
}
