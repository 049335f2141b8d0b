package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.SimulatedDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A cancel and a delivery racing for the same command, end to end: exactly one of them wins. The server's
 * delivery probe runs a cancel (the admin's {@code DELETE …/queue/{uuid}}, or the profile reconciler's when a
 * profile is edited or deleted) on the device's own request, after its command was chosen and before it is
 * claimed: the window in which a cancel used to answer Canceled while the device still got the bytes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DeliveryRaceScenarios {
    /** What to run when the command with that uuid is chosen for a device; each runs once. */
    private final Map<String, Runnable> whenChosen = new ConcurrentHashMap<>();
    TestServer server;
    AdminClient admin;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void startServer() throws Exception {
        server = new TestServer(engine(), Files.createTempDirectory("jmdm-race"),
                Map.of("MDM_PROFILE_SWEEP", "0", "MDM_PROFILE_LIST_EVERY", "0", "MDM_REPUSH_AFTER", "0"), (enrollment, uuid) -> {
                    Runnable r = whenChosen.remove(uuid);
                    if (r != null) {
                        r.run();
                    }
                });
        admin = server.admin;
        // With a profile stored every enrollment is asked for its ProfileList, which enrolledMac() answers.
        upload(newIdentifier("untargeted"), 16);
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    static String newIdentifier(String what) {
        return "com.example." + what + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    String upload(String identifier, int tileSize) {
        AdminClient.Reply r = admin.send("POST", "/v1/profiles",
                dev.jmdm.sim.Profiles.withOnePayload(identifier, UUID.randomUUID().toString().toUpperCase(), identifier, "com.apple.dock", tileSize));
        assertThat(r.status()).as(r.body()).isIn(200, 201);
        return r.json().get("uuid").asText();
    }

    AdminClient.Reply sendJson(String method, String path, String json) {
        return admin.send(method, path, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    void reconcile() {
        assertThat(sendJson("POST", "/v1/profiles/reconcile", null).status()).isEqualTo(200);
    }

    SimulatedDevice enrolledMac() {
        SimulatedDevice d = server.newMac();
        d.enroll();
        assertThat(d.channel().poll()).extracting(HandledCommand::requestType).containsExactly("ProfileList");
        return d;
    }

    /** The uuid of the one queued command of that request type. */
    String queued(SimulatedDevice d, String requestType) {
        JsonNode commands = admin.queue(d.enrollmentId()).json().get("commands");
        List<String> uuids = new java.util.ArrayList<>();
        commands.forEach(c -> {
            if (requestType.equals(c.get("request_type").asText())) {
                uuids.add(c.get("command_uuid").asText());
            }
        });
        assertThat(uuids).hasSize(1);
        return uuids.get(0);
    }

    String statusOf(String commandUuid) {
        return admin.command(commandUuid).json().get("enrollments").get(0).get("status").asText();
    }

    /** A profile targeted at the device and reconciled: its InstallProfile is queued, not delivered. */
    String queuedInstall(SimulatedDevice mac, String identifier) {
        upload(identifier, 32);
        AdminClient.Reply t = sendJson("PUT", "/v1/profiles/" + identifier + "/targets", "{\"hosts\": [\"" + mac.udid() + "\"]}");
        assertThat(t.status()).as(t.body()).isEqualTo(200);
        reconcile();
        return queued(mac, "InstallProfile");
    }

    @Test
    void anAdminCancelThatLandsWhileTheCommandIsChosenWinsAndTheDeviceNeverGetsIt() {
        SimulatedDevice mac = enrolledMac();
        Commands.Built erase = Commands.of("EraseDevice");
        Commands.Built info = Commands.of("DeviceInformation");
        admin.enqueue(erase.plist(), List.of(mac.enrollmentId()), true);
        admin.enqueue(info.plist(), List.of(mac.enrollmentId()), true);
        AtomicReference<AdminClient.Reply> cancel = new AtomicReference<>();
        whenChosen.put(erase.commandUuid(), () -> cancel.set(admin.cancel(mac.enrollmentId(), erase.commandUuid())));

        assertThat(mac.channel().poll()).extracting(HandledCommand::commandUuid).containsExactly(info.commandUuid());
        assertThat(cancel.get().status()).as(cancel.get().body()).isEqualTo(200);
        assertThat(statusOf(erase.commandUuid())).isEqualTo("Canceled");
    }

    @Test
    void anAdminCancelAfterTheDeliveryIsRefusedWith409SayingItWasDelivered() {
        SimulatedDevice mac = enrolledMac();
        Commands.Built erase = Commands.of("EraseDevice");
        admin.enqueue(erase.plist(), List.of(mac.enrollmentId()), true);
        AtomicReference<AdminClient.Reply> cancel = new AtomicReference<>();
        // The device holds the command (delivered, not yet answered) when the admin tries to take it back.
        mac.behaviour((type, cmd) -> {
            if ("EraseDevice".equals(type)) {
                cancel.set(admin.cancel(mac.enrollmentId(), erase.commandUuid()));
            }
            return null;
        });

        assertThat(mac.channel().poll()).extracting(HandledCommand::commandUuid).containsExactly(erase.commandUuid());
        assertThat(cancel.get().status()).isEqualTo(409);
        assertThat(cancel.get().json().get("error").asText()).contains("already delivered");
        assertThat(statusOf(erase.commandUuid())).isNotEqualTo("Canceled");
    }

    @Test
    void aProfileEditedWhileItsInstallIsChosenSendsOnlyTheNewVersion() {
        SimulatedDevice mac = enrolledMac();
        String id = newIdentifier("race-edit");
        String v1Install = queuedInstall(mac, id);
        AtomicReference<String> uuid2 = new AtomicReference<>();
        whenChosen.put(v1Install, () -> {
            uuid2.set(upload(id, 64));
            reconcile();
        });

        List<HandledCommand> handled = mac.channel().poll();
        assertThat(handled).extracting(HandledCommand::requestType).containsExactly("InstallProfile", "ProfileList");
        assertThat(handled.get(0).commandUuid()).isNotEqualTo(v1Install);
        assertThat(mac.state().profiles().get(id).uuid()).isEqualTo(uuid2.get());
        assertThat(statusOf(v1Install)).isEqualTo("Canceled");
    }

    @Test
    void aProfileDeletedWhileItsInstallIsChosenSendsNothing() {
        SimulatedDevice mac = enrolledMac();
        String id = newIdentifier("race-delete");
        String install = queuedInstall(mac, id);
        whenChosen.put(install, () -> {
            assertThat(sendJson("DELETE", "/v1/profiles/" + id, null).status()).isEqualTo(204);
            reconcile();
        });

        assertThat(mac.channel().poll()).isEmpty();
        assertThat(mac.state().profiles()).doesNotContainKey(id);
        assertThat(statusOf(install)).isEqualTo("Canceled");
    }
}
