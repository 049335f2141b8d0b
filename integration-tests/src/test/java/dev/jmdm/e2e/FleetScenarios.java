package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.certsdev.LoadedStack;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Answer;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.MockApns;
import dev.jmdm.sim.Profiles;
import dev.jmdm.sim.ScreenLock;
import dev.jmdm.sim.SimulatedDevice;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A fleet's life, end to end with pushes: many devices enrolling at once, devices going offline and
 * coming back, a lock screen that defers commands, and a server restart in the middle of all that.
 * Every end state is read through the admin API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FleetScenarios {
    static final int FLEET = 48;
    static final int AT_ONCE = 16;

    ApnsTestBed bed;
    LoadedStack stack;
    MockApns apns;
    TestServer server;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void start() throws Exception {
        bed = ApnsTestBed.start(engine(), Files.createTempDirectory("jmdm-fleet"));
        stack = bed.stack;
        apns = bed.apns;
        server = bed.server;
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    private SimulatedDevice newMac() {
        return SimulatedDevice.mac(server.transport, server.identity("fleet"), stack.pushTopic());
    }

    private SimulatedDevice online() {
        SimulatedDevice d = newMac();
        d.enroll();
        apns.route(d.channel());
        return d;
    }

    private JsonNode entry(String commandUuid) {
        AdminClient.Reply r = server.admin.command(commandUuid);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("enrollments").get(0);
    }

    private void enqueue(Commands.Built cmd, SimulatedDevice d, boolean noPush) {
        AdminClient.Reply r = server.admin.enqueue(cmd.plist(), List.of(d.enrollmentId()), noPush);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Test
    void manyDevicesEnrollAtOnceAndEachAnswersItsOwnCommandWhenPushed() throws Exception {
        List<SimulatedDevice> fleet = new ArrayList<>();
        for (int i = 0; i < FLEET; i++) {
            fleet.add(newMac());
        }
        ExecutorService pool = Executors.newFixedThreadPool(AT_ONCE);
        try {
            List<Future<?>> enrolling = new ArrayList<>();
            fleet.forEach(d -> enrolling.add(pool.submit(d::enroll)));
            for (Future<?> f : enrolling) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, SimulatedDevice> byId = new HashMap<>();
        for (SimulatedDevice d : fleet) {
            JsonNode listed = server.admin.enrollments("id=" + d.enrollmentId()).json().get("enrollments");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("enabled").asBoolean()).isTrue();
            apns.route(d.channel());
            byId.put(d.enrollmentId(), d);
        }

        Commands.Built cmd = Commands.deviceInformation("SerialNumber");
        AdminClient.Reply enq = server.admin.enqueue(cmd.plist(), byId.keySet(), false);
        assertThat(enq.status()).as(enq.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode entries = server.admin.command(cmd.commandUuid()).json().get("enrollments");
            assertThat(entries).hasSize(FLEET);
            entries.forEach(e -> assertThat(e.get("status").asText()).isEqualTo("Acknowledged"));
        });
        for (JsonNode e : server.admin.command(cmd.commandUuid()).json().get("enrollments")) {
            SimulatedDevice d = byId.get(e.get("id").asText());
            assertThat(e.get("delivery_count").asInt()).isEqualTo(1);
            assertThat(e.get("result").get("QueryResponses").get("SerialNumber").asText()).isEqualTo(d.facts().serialNumber());
            assertThat(apns.receivedFor(d.channel().tokenHex())).hasSize(1);
        }
    }

    @Test
    void anOfflineDeviceGetsWhatWaitedInOrderWhenItComesBack() {
        SimulatedDevice d = online();
        apns.unroute(d.channel());
        Commands.Built first = Commands.of("ProfileList");
        Commands.Built second = Commands.of("SecurityInfo");
        enqueue(first, d, false);
        enqueue(second, d, false);
        // APNs took both pushes; the device was not there to wake.
        assertThat(apns.receivedFor(d.channel().tokenHex())).hasSize(2);
        assertThat(entry(first.commandUuid()).get("status").asText()).isEqualTo("Queued");

        // Back online, it checks in by itself as a device does on reconnecting.
        apns.route(d.channel());
        assertThat(d.channel().poll()).extracting(HandledCommand::commandUuid).containsExactly(first.commandUuid(), second.commandUuid());
        for (Commands.Built c : List.of(first, second)) {
            assertThat(entry(c.commandUuid()).get("status").asText()).isEqualTo("Acknowledged");
            assertThat(entry(c.commandUuid()).get("delivery_count").asInt()).isEqualTo(1);
        }
        // And pushes reach it again.
        Commands.Built third = Commands.of("InstalledApplicationList");
        enqueue(third, d, false);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(entry(third.commandUuid()).get("status").asText()).isEqualTo("Acknowledged"));
    }

    @Test
    void aLockedScreenDefersTheInstallUntilTheUserUnlocks() {
        SimulatedDevice d = online();
        apns.unroute(d.channel()); // polls are driven here, one at a time
        ScreenLock screen = ScreenLock.deferring("InstallProfile");
        d.behaviour(screen);
        screen.lock();
        String identifier = "com.example.fleet.locked." + UUID.randomUUID();
        NSDictionary fields = new NSDictionary();
        fields.put("Payload", new NSData(Profiles.withOnePayload(identifier, UUID.randomUUID().toString().toUpperCase(),
                "Locked screen", "com.apple.dock", 32)));
        Commands.Built install = Commands.of("InstallProfile", fields);
        Commands.Built info = Commands.deviceInformation("OSVersion");
        enqueue(install, d, true);
        enqueue(info, d, true);

        assertThat(d.channel().poll()).extracting(HandledCommand::status).containsExactly("NotNow", "Acknowledged");
        assertThat(entry(install.commandUuid()).get("status").asText()).isEqualTo("NotNow");
        // Still locked: the next Idle is offered the install again and defers it again.
        assertThat(d.channel().poll()).extracting(HandledCommand::status).containsExactly("NotNow");

        screen.unlock();
        assertThat(d.channel().poll()).extracting(HandledCommand::commandUuid).containsExactly(install.commandUuid());
        assertThat(d.state().profiles()).containsKey(identifier);
        JsonNode done = entry(install.commandUuid());
        assertThat(done.get("status").asText()).isEqualTo("Acknowledged");
        assertThat(done.get("not_now_tally").asInt()).isEqualTo(2);
        assertThat(entry(info.commandUuid()).get("delivery_count").asInt()).isEqualTo(1);
        assertThat(d.channel().poll()).isEmpty();
    }

    @Test
    void aRestartMidFlowKeepsEveryQueueAndResultAndDeliversNothingTwice() {
        SimulatedDevice d = online();
        apns.unroute(d.channel());
        Commands.Built answered = Commands.of("ProfileList");
        enqueue(answered, d, true);
        assertThat(d.channel().poll()).hasSize(1);
        String answeredAt = entry(answered.commandUuid()).get("result_at").asText();

        Commands.Built deferred = Commands.of("SecurityInfo");
        Commands.Built inFlight = Commands.of("InstalledApplicationList");
        Commands.Built waiting = Commands.deviceInformation("SerialNumber");
        enqueue(deferred, d, true);
        enqueue(inFlight, d, true);
        // NotNow to one, and the answer to the next is lost when the server goes down.
        d.behaviour((type, c) -> switch (type) {
            case "SecurityInfo" -> Answer.notNow();
            case "InstalledApplicationList" -> Answer.drop();
            default -> null;
        });
        assertThat(d.channel().poll()).extracting(HandledCommand::commandUuid).containsExactly(deferred.commandUuid(), inFlight.commandUuid());
        enqueue(waiting, d, true);

        server.stop();
        server.start();
        // Same identity and UDID; a new object because the server listens on a new port.
        SimulatedDevice back = new SimulatedDevice(server.transport, d.identity(), d.facts(), stack.pushTopic(), null);
        assertThat(entry(answered.commandUuid()).get("status").asText()).isEqualTo("Acknowledged");
        assertThat(entry(deferred.commandUuid()).get("status").asText()).isEqualTo("NotNow");
        assertThat(entry(inFlight.commandUuid()).get("status").asText()).isEqualTo("Delivered");

        assertThat(back.channel().poll()).extracting(HandledCommand::commandUuid)
                .as("the answered command never again; the rest once each, in order")
                .containsExactly(deferred.commandUuid(), inFlight.commandUuid(), waiting.commandUuid());
        assertThat(entry(answered.commandUuid()).get("result_at").asText()).isEqualTo(answeredAt);
        assertThat(entry(answered.commandUuid()).get("delivery_count").asInt()).isEqualTo(1);
        assertThat(entry(inFlight.commandUuid()).get("delivery_count").asInt()).isEqualTo(2);
        for (Commands.Built c : List.of(deferred, inFlight, waiting)) {
            assertThat(entry(c.commandUuid()).get("status").asText()).isEqualTo("Acknowledged");
        }
        assertThat(Instant.parse(answeredAt)).isBefore(Instant.parse(entry(waiting.commandUuid()).get("result_at").asText()));
        assertThat(back.channel().poll()).isEmpty();
    }
}
