package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.UnregisteredDeviceTokenException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.certsdev.CertSpec;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.KeyAlgorithm;
import dev.jmdm.certsdev.LoadedStack;
import dev.jmdm.certsdev.Pem;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.MockApns;
import dev.jmdm.sim.SimulatedDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * APNs wakeups end to end: the server pushes through the apns module to a stand-in APNs (Pushy's
 * mock over TLS, certificates from certs-dev), which wakes the simulated device with that token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PushScenarios {
    static final int FLEET = 200;

    ApnsTestBed bed;
    LoadedStack stack;
    MockApns apns;
    TestServer server;
    AdminClient admin;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void start() throws Exception {
        bed = ApnsTestBed.start(engine(), Files.createTempDirectory("jmdm-push"));
        stack = bed.stack;
        apns = bed.apns;
        server = bed.server;
        admin = server.admin;
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    @BeforeEach
    void acceptEverything() {
        apns.behaviour(push -> { });
    }

    private AdminClient.Reply upload(String pem) {
        return admin.send("PUT", "/v1/pushcert", pem.getBytes(StandardCharsets.UTF_8));
    }

    private SimulatedDevice enrolled() {
        SimulatedDevice d = SimulatedDevice.mac(server.transport, server.identity("push"), stack.pushTopic());
        d.enroll();
        apns.route(d.channel());
        return d;
    }

    @Test
    void theUploadedCertificateIsReportedByTopic() {
        AdminClient.Reply got = admin.send("GET", "/v1/pushcert?topic=" + stack.pushTopic(), null);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json().get("topic").asText()).isEqualTo(stack.pushTopic());
        assertThat(Instant.parse(got.json().get("not_after").asText())).isEqualTo(stack.push().certificate().getNotAfter().toInstant());
        assertThat(got.json().has("warning")).isFalse();

        assertThat(upload("not a certificate").status()).isEqualTo(400);
        Issued other = stack.pushCa().issue(pushSpec(stack.pushTopic(), Instant.now().plus(Duration.ofDays(300))));
        AdminClient.Reply mismatch = upload(Pem.encode(stack.push().certificate()) + Pem.encode(other.privateKey()));
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.json().get("error").asText()).containsIgnoringCase("key");
        assertThat(admin.send("GET", "/v1/pushcert?topic=com.apple.mgmt.External.nope", null).status()).isEqualTo(404);
    }

    /**
     * A stored push key whose sealed bytes are damaged is reported (the log, /readyz), not a 500 on every push
     * call: the server keeps the certificate it already holds, and a fresh upload mends the row.
     */
    @Test
    void aDamagedStoredPushKeyIsReportedAndPushesGoOn() throws Exception {
        SimulatedDevice d = enrolled();
        server.sql("UPDATE push_certs SET key_pem = ?, updated_at = updated_at + 1 WHERE topic = ?", "v1:%%damaged%%", stack.pushTopic());
        try {
            AdminClient.Reply pushed = admin.push(List.of(d.enrollmentId()));
            assertThat(pushed.status()).as(pushed.body()).isEqualTo(200);
            String ready = admin.send("GET", "/readyz", null).body();
            assertThat(ready).contains(stack.pushTopic(), "cannot be loaded", "damaged");
        } finally {
            assertThat(admin.send("PUT", "/v1/pushcert", ApnsTestBed.pushCertificatePem(stack)).status()).isEqualTo(200);
        }
        assertThat(admin.send("GET", "/readyz", null).body()).doesNotContain("cannot be loaded");
    }

    @Test
    void enqueueWakesEveryTargetedDeviceWithOneCorrectPush() {
        List<SimulatedDevice> fleet = new ArrayList<>();
        for (int i = 0; i < FLEET; i++) {
            fleet.add(enrolled());
        }
        Map<String, List<HandledCommand>> handled = new ConcurrentHashMap<>();
        Commands.Built cmd = Commands.of("ProfileList");
        AdminClient.Reply enq = admin.enqueue(cmd.plist(), fleet.stream().map(SimulatedDevice::enrollmentId).toList(), false);
        assertThat(enq.status()).as(enq.body()).isEqualTo(200);
        for (SimulatedDevice d : fleet) {
            assertThat(enq.json().get("status").get(d.enrollmentId()).get("push_result").asText()).isNotBlank();
        }
        // Woken devices poll by themselves; wait until every one has answered the command.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode entries = admin.command(cmd.commandUuid()).json().get("enrollments");
            assertThat(entries).hasSize(FLEET);
            entries.forEach(e -> assertThat(e.get("status").asText()).isEqualTo("Acknowledged"));
        });
        for (SimulatedDevice d : fleet) {
            List<MockApns.Received> got = apns.receivedFor(d.channel().tokenHex());
            assertThat(got).hasSize(1);
            assertThat(got.get(0).payload()).isEqualTo("{\"mdm\":\"" + d.channel().pushMagic() + "\"}");
            assertThat(got.get(0).topic()).isEqualTo(stack.pushTopic());
            assertThat(got.get(0).pushType()).isEqualTo("mdm");
        }
        assertThat(pollErrorsOf(fleet.stream().map(SimulatedDevice::enrollmentId).toList())).isEmpty();
    }

    @Test
    void twoQuickPushesWakeTheDeviceIntoOneCommandSessionAndItsCommandRunsOnce() {
        SimulatedDevice d = enrolled();
        AtomicInteger runs = new AtomicInteger();
        d.behaviour((type, command) -> {
            runs.incrementAndGet();
            // Still busy with the command when the second push arrives.
            sleep(Duration.ofMillis(400));
            return null;
        });
        Commands.Built cmd = Commands.of("ProfileList");
        assertThat(admin.enqueue(cmd.plist(), List.of(d.enrollmentId()), true).status()).isEqualTo(200);
        assertThat(admin.push(List.of(d.enrollmentId())).status()).isEqualTo(200);
        assertThat(admin.push(List.of(d.enrollmentId())).status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> apns.pollsFor(d.channel().tokenHex()) >= 1 && apns.quiet());
        JsonNode entry = admin.command(cmd.commandUuid()).json().get("enrollments").get(0);
        assertThat(entry.get("status").asText()).isEqualTo("Acknowledged");
        assertThat(entry.get("delivery_count").asInt()).as("delivered once").isEqualTo(1);
        assertThat(runs).as("run once").hasValue(1);
        assertThat(apns.receivedFor(d.channel().tokenHex())).hasSize(2);
        assertThat(pollErrorsOf(List.of(d.enrollmentId()))).isEmpty();
    }

    @Test
    void aWokenDeviceWhosePollIsRefusedShowsUpAsAPollError() {
        SimulatedDevice d = enrolled();
        // A certificate the server never bound to this device: its command requests are refused.
        d.useIdentity(server.identity("stranger"));
        assertThat(admin.push(List.of(d.enrollmentId())).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(pollErrorsOf(List.of(d.enrollmentId())))
                .singleElement().satisfies(e -> assertThat(e.error()).hasMessageContaining("command poll")));
    }

    private List<MockApns.PollError> pollErrorsOf(List<String> enrollmentIds) {
        return apns.pollErrors().stream().filter(e -> enrollmentIds.contains(e.enrollmentId())).toList();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aGoneTokenIsNotPushedAgainUntilTheDeviceSendsTokenUpdate() {
        SimulatedDevice d = enrolled();
        String token = d.channel().tokenHex();
        apns.behaviour(push -> {
            if (push.tokenHex().equals(token)) {
                throw new UnregisteredDeviceTokenException(Instant.now());
            }
        });
        AdminClient.Reply first = admin.push(List.of(d.enrollmentId()));
        assertThat(first.json().get("status").get(d.enrollmentId()).get("push_error").asText()).contains("Unregistered");
        AdminClient.Reply second = admin.push(List.of(d.enrollmentId()));
        assertThat(second.json().get("status").get(d.enrollmentId()).get("push_error").asText()).contains("TokenUpdate");
        assertThat(apns.receivedFor(token)).as("no second push to a gone token").hasSize(1);

        apns.behaviour(push -> { });
        assertThat(d.channel().tokenUpdate().status()).isEqualTo(200);
        AdminClient.Reply third = admin.push(List.of(d.enrollmentId()));
        assertThat(third.status()).isEqualTo(200);
        assertThat(apns.receivedFor(token)).hasSize(2);
    }

    @Test
    void anEnrollmentWithIncompleteStoredPushDetailsFailsAloneAndTheOthersArePushed() {
        SimulatedDevice good = enrolled();
        SimulatedDevice noMagic = enrolled();
        SimulatedDevice noToken = enrolled();
        // Rows like these come from data written before TokenUpdate was validated.
        assertThat(server.sql("UPDATE enrollments SET push_magic = '' WHERE id = ?", noMagic.enrollmentId())).isEqualTo(1);
        assertThat(server.sql("UPDATE enrollments SET token_hex = ' ' WHERE id = ?", noToken.enrollmentId())).isEqualTo(1);
        List<String> ids = List.of(noMagic.enrollmentId(), good.enrollmentId(), noToken.enrollmentId());

        Commands.Built cmd = Commands.of("ProfileList");
        AdminClient.Reply enq = admin.enqueue(cmd.plist(), ids, false);
        assertThat(enq.status()).as(enq.body()).isEqualTo(207);
        JsonNode status = enq.json().get("status");
        assertThat(status.get(good.enrollmentId()).get("push_result").asText()).isNotBlank();
        assertThat(status.get(noMagic.enrollmentId()).get("push_error").asText()).contains("incomplete");
        assertThat(status.get(noToken.enrollmentId()).get("push_error").asText()).contains("incomplete");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Map<String, String> byId = new java.util.HashMap<>();
            admin.command(cmd.commandUuid()).json().get("enrollments").forEach(e -> byId.put(e.get("id").asText(), e.get("status").asText()));
            assertThat(byId).containsExactlyInAnyOrderEntriesOf(Map.of(good.enrollmentId(), "Acknowledged",
                    noMagic.enrollmentId(), "Queued", noToken.enrollmentId(), "Queued"));
        });
        assertThat(apns.receivedFor(good.channel().tokenHex())).hasSize(1);
        assertThat(apns.receivedFor(noMagic.channel().tokenHex())).isEmpty();

        // Nothing the server did wrong: a per-id answer, not a 500.
        AdminClient.Reply alone = admin.push(List.of(noMagic.enrollmentId()));
        assertThat(alone.status()).as(alone.body()).isEqualTo(207);
        assertThat(alone.json().get("status").get(noMagic.enrollmentId()).get("push_error").asText()).contains("TokenUpdate");

        // The device's next TokenUpdate stores complete details again.
        assertThat(noMagic.channel().tokenUpdate().status()).isEqualTo(200);
        assertThat(admin.push(List.of(noMagic.enrollmentId())).status()).isEqualTo(200);
        assertThat(apns.receivedFor(noMagic.channel().tokenHex())).hasSize(1);
    }

    @Test
    void serverErrorsFromApnsAreRetried() {
        SimulatedDevice d = enrolled();
        String token = d.channel().tokenHex();
        AtomicInteger failures = new AtomicInteger(2);
        apns.behaviour(push -> {
            if (push.tokenHex().equals(token) && failures.getAndDecrement() > 0) {
                throw new RejectedNotificationException(RejectionReason.INTERNAL_SERVER_ERROR);
            }
        });
        AdminClient.Reply r = admin.push(List.of(d.enrollmentId()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(apns.receivedFor(token)).hasSize(3);
        // Outcomes are counted for Prometheus.
        String metrics = admin.send("GET", "/metrics", null).body();
        assertThat(counter(metrics, "mdm_push_retries_total")).isGreaterThanOrEqualTo(2);
        assertThat(counter(metrics, "mdm_pushes_total{outcome=\"sent\"}")).isGreaterThanOrEqualTo(1);
    }

    private static double counter(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(-1);
    }

    @Test
    void aRenewedCertificateIsUsedWithoutRestartAndExpiryIsWarned() throws Exception {
        SimulatedDevice d = enrolled();
        Issued renewed = stack.pushCa().issue(pushSpec(stack.pushTopic(), Instant.now().plus(Duration.ofDays(10))));
        AdminClient.Reply up = upload(Pem.encode(renewed.certificate(), renewed.privateKey()));
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(up.json().get("warning").asText()).contains("expires");
        assertThat(admin.push(List.of(d.enrollmentId())).status()).isEqualTo(200);
        List<MockApns.Received> got = apns.receivedFor(d.channel().tokenHex());
        assertThat(got.get(got.size() - 1).clientSerial()).isEqualTo(renewed.certificate().getSerialNumber());
        var ready = server.http.send(java.net.http.HttpRequest.newBuilder(server.baseUri().resolve("/readyz")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(ready.body()).contains("expires");
        // Put the long-lived certificate back for the other scenarios.
        assertThat(upload(Files.readString(stack.files().pushCert()) + Files.readString(stack.files().pushKey())).status()).isEqualTo(200);
    }

    @Test
    void aCertificateForAnotherTopicIsRefusedWhileDevicesUseTheCurrentOneUnlessForced() throws Exception {
        SimulatedDevice d = enrolled();
        String otherTopic = "com.apple.mgmt.External." + java.util.UUID.randomUUID();
        Issued other = stack.pushCa().issue(pushSpec(otherTopic, Instant.now().plus(Duration.ofDays(300))));
        String otherPem = Pem.encode(other.certificate(), other.privateKey());

        AdminClient.Reply refused = upload(otherPem);
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        long devices = refused.json().get("devices_by_topic").get(stack.pushTopic()).asLong();
        assertThat(devices).as("at least the device enrolled here").isPositive();
        assertThat(refused.json().get("topic").asText()).isEqualTo(otherTopic);
        assertThat(refused.json().get("error").asText())
                .startsWith(devices + (devices == 1 ? " enrolled device uses" : " enrolled devices use") + " push topic " + stack.pushTopic())
                .contains("?force=1");
        assertThat(admin.send("GET", "/v1/pushcert?topic=" + otherTopic, null).status()).as("nothing stored").isEqualTo(404);
        assertThat(admin.send("PUT", "/v1/pushcert?force=maybe", otherPem.getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(400);

        // Renewing the topic the devices use stays one plain call.
        assertThat(upload(Files.readString(stack.files().pushCert()) + Files.readString(stack.files().pushKey())).status()).isEqualTo(200);

        AdminClient.Reply forced = admin.send("PUT", "/v1/pushcert?force=1", otherPem.getBytes(StandardCharsets.UTF_8));
        assertThat(forced.status()).as(forced.body()).isEqualTo(200);
        assertThat(forced.json().get("topic").asText()).isEqualTo(otherTopic);
        // Once stored, that topic renews without force too; the devices on the first topic are still woken with theirs.
        Issued otherRenewed = stack.pushCa().issue(pushSpec(otherTopic, Instant.now().plus(Duration.ofDays(200))));
        assertThat(upload(Pem.encode(otherRenewed.certificate(), otherRenewed.privateKey())).status()).isEqualTo(200);
        assertThat(admin.push(List.of(d.enrollmentId())).status()).isEqualTo(200);
        List<MockApns.Received> got = apns.receivedFor(d.channel().tokenHex());
        assertThat(got.get(got.size() - 1).topic()).isEqualTo(stack.pushTopic());
    }

    static CertSpec pushSpec(String topic, Instant notAfter) {
        return CertSpec.builder("APSP:" + topic.substring(topic.lastIndexOf('.') + 1)).uid(topic)
                .validity(Instant.now().minus(Duration.ofMinutes(1)), notAfter)
                .keyUsage(KeyUsage.digitalSignature).extendedKeyUsage(KeyPurposeId.id_kp_clientAuth)
                .keyAlgorithm(KeyAlgorithm.EC_P256).build();
    }
}
