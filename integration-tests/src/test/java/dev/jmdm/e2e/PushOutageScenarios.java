package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.certsdev.DevStack;
import dev.jmdm.certsdev.LoadedStack;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.SimulatedDevice;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * APNs outages: an APNs that accepts connections and never answers (not even the TLS handshake), and a push host
 * that does not resolve. Admin calls must answer within MDM_APNS_TIMEOUT with the command queued and the push
 * pending, /readyz and /metrics must say that pushes fail, and stopping must not wait for APNs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PushOutageScenarios {
    static final Duration APNS_TIMEOUT = Duration.ofSeconds(1);
    /** The timeout plus room for a loaded two-core machine; the old code took 60 s. */
    static final Duration ANSWER_BOUND = APNS_TIMEOUT.plusSeconds(3);

    private SilentTcp silent;
    private TestServer server;
    private LoadedStack stack;
    private Path pki;

    abstract TestDatabases.Engine engine();

    /** One certs-dev PKI for the class: making its keys is the slow part of a start. */
    @BeforeAll
    void makePki() throws Exception {
        pki = Files.createTempDirectory("jmdm-push-outage-pki");
        DevStack.init(pki);
        stack = DevStack.load(pki);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (silent != null) {
            silent.close();
        }
    }

    @Test
    void enqueueAndPushAnswerWithinTheTimeoutWithThePushPendingWhileApnsNeverAnswers() throws Exception {
        silent = new SilentTcp();
        start(silent.url());
        SimulatedDevice d = enrolled();
        Commands.Built cmd = Commands.of("ProfileList");

        AdminClient.Reply enq = timed(() -> server.admin.enqueue(cmd.plist(), List.of(d.enrollmentId()), false));
        assertThat(enq.status()).as(enq.body()).isEqualTo(207);
        assertThat(enq.json().get("command_uuid").asText()).isEqualTo(cmd.commandUuid());
        assertThat(enq.json().get("push_error").asText()).isEqualTo("1 of 1 push(es) failed");
        assertThat(enq.json().get("status").get(d.enrollmentId()).get("push_error").asText())
                .startsWith("push pending: APNs did not answer within 1000 ms").contains("re-push sweep");
        assertThat(silent.connectionsAccepted()).as("the push really went to the silent APNs").isPositive();
        assertThat(server.admin.command(cmd.commandUuid()).json().get("enrollments").get(0).get("status").asText())
                .isEqualTo("Queued");

        AdminClient.Reply push = timed(() -> server.admin.push(List.of(d.enrollmentId())));
        assertThat(push.status()).as("pending is no failure of the server's: " + push.body()).isEqualTo(207);
        assertThat(push.json().get("status").get(d.enrollmentId()).get("push_error").asText()).startsWith("push pending");

        // The device, woken some other way, still gets its command.
        assertThat(d.channel().poll()).extracting(HandledCommand::commandUuid).containsExactly(cmd.commandUuid());

        JsonNode ready = readyz();
        assertThat(ready.get("status").asText()).as("an APNs outage does not make the server unready").isEqualTo("ok");
        assertThat(ready.get("warnings").toString()).contains("pushes failing since").contains("2 push(es) failed or went unanswered")
                .contains("APNs did not answer within 1000 ms");
        String metrics = server.admin.send("GET", "/metrics", null).body();
        assertThat(metric(metrics, "mdm_push_unanswered_total")).isEqualTo(2);
        assertThat(metric(metrics, "mdm_push_failures")).isEqualTo(2);
        assertThat(metric(metrics, "mdm_push_failing_since_seconds")).isPositive();
    }

    @Test
    void aPushHostThatDoesNotResolveIsReportedInReadyzAndMetrics() throws Exception {
        start("https://apns.invalid:443"); // .invalid never resolves (RFC 2606): no traffic leaves the machine
        SimulatedDevice d = enrolled();
        assertThat(readyz().get("warnings").toString()).doesNotContain("pushes failing");

        AdminClient.Reply enq = timed(() -> server.admin.enqueue(Commands.of("ProfileList").plist(), List.of(d.enrollmentId()), false));
        assertThat(enq.status()).as(enq.body()).isEqualTo(207);
        assertThat(enq.json().get("status").get(d.enrollmentId()).get("push_error").asText()).isNotBlank();

        // Once the retries are spent, the cause replaces the silence as the last error.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode ready = readyz();
            assertThat(ready.get("status").asText()).isEqualTo("ok");
            assertThat(ready.get("warnings").toString()).contains("pushes failing since").contains("apns.invalid");
        });
        String metrics = server.admin.send("GET", "/metrics", null).body();
        assertThat(metric(metrics, "mdm_pushes_total{outcome=\"failed\"}")).isGreaterThanOrEqualTo(1);
        assertThat(metric(metrics, "mdm_push_failing_since_seconds")).isPositive();
    }

    @Test
    void stoppingTakesLessThanTenSecondsWhileApnsNeverAnswers() throws Exception {
        silent = new SilentTcp();
        start(silent.url());
        SimulatedDevice d = enrolled();
        // A push in flight when the server stops, and connections to an APNs that never answers.
        CompletableFuture<AdminClient.Reply> pushing = CompletableFuture.supplyAsync(() -> server.admin.push(List.of(d.enrollmentId())));
        await().atMost(Duration.ofSeconds(5)).until(() -> silent.connectionsAccepted() > 0);

        long start = System.nanoTime();
        server.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        server = null;
        assertThat(took).isLessThan(Duration.ofSeconds(10));
        // The request in flight ends too (answered, or cut off by the stopping listener), leaving no client hanging.
        assertThat(pushing.handle((reply, cutOff) -> true)).succeedsWithin(Duration.ofSeconds(5));
    }

    private void start(String apnsUrl) throws Exception {
        Path dir = Files.createTempDirectory("jmdm-push-outage");
        server = new TestServer(engine(), dir, Map.of(
                "MDM_APNS_URL", apnsUrl,
                "MDM_APNS_CA", stack.files().caCert().toString(),
                "MDM_APNS_TIMEOUT", APNS_TIMEOUT.toSeconds() + "s",
                "MDM_REPUSH_AFTER", "0",
                "MDM_SECRET_KEY", "test-secret-key-0123456789"));
        AdminClient.Reply up = server.admin.send("PUT", "/v1/pushcert", ApnsTestBed.pushCertificatePem(stack));
        assertThat(up.status()).as(up.body()).isEqualTo(200);
    }

    private SimulatedDevice enrolled() {
        SimulatedDevice d = SimulatedDevice.mac(server.transport, server.identity("outage"), stack.pushTopic());
        d.enroll();
        return d;
    }

    private static AdminClient.Reply timed(Supplier<AdminClient.Reply> call) {
        long start = System.nanoTime();
        AdminClient.Reply reply = call.get();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answered within MDM_APNS_TIMEOUT and a margin")
                .isLessThan(ANSWER_BOUND);
        return reply;
    }

    private JsonNode readyz() throws Exception {
        HttpResponse<String> r = server.http.send(HttpRequest.newBuilder(server.baseUri().resolve("/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }

    private static double metric(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .filter(l -> !name.contains("{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }
}
