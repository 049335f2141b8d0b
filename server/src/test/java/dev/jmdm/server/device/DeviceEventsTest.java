package dev.jmdm.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.protocol.Command;
import dev.jmdm.server.protocol.CommandReport;
import dev.jmdm.server.protocol.EnrollmentId;
import dev.jmdm.server.protocol.Messages;
import dev.jmdm.server.testing.StoreFixture;
import dev.jmdm.server.testing.TestDatabases.Engine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The steps after a device's stored messages: order, lanes, and failures that stay the step's own. */
class DeviceEventsTest {
    private static final String DEVICE = "6F3A1B2C-0D4E-5F60-7182-93A4B5C6D7E8";

    private static Command command(String requestType) {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <plist version="1.0"><dict>
                <key>Command</key><dict><key>RequestType</key><string>%s</string></dict>
                <key>CommandUUID</key><string>%s</string>
                </dict></plist>
                """.formatted(requestType, UUID.randomUUID());
        return Messages.command(xml.getBytes(StandardCharsets.UTF_8));
    }

    private static CommandReport report(String status, String uuid) {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <plist version="1.0"><dict>
                <key>Status</key><string>%s</string>
                <key>UDID</key><string>%s</string>
                %s
                </dict></plist>
                """.formatted(status, DEVICE, uuid == null ? "" : "<key>CommandUUID</key><string>" + uuid + "</string>");
        return Messages.report(xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void inlineStepsRunInOrderPastAFailingOneAndBackgroundStepsAfterThemOffTheCallersThread() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch background = new CountDownLatch(1);
        Thread caller = Thread.currentThread();
        try (DeviceEvents events = new DeviceEvents(() -> { })) {
            events.onTokenUpdate("slow one", DeviceEvents.Lane.BACKGROUND, (id, tally) -> {
                ran.add("background on " + (Thread.currentThread() == caller ? "caller" : "another thread"));
                background.countDown();
            });
            events.onTokenUpdate("first", DeviceEvents.Lane.INLINE, (id, tally) -> ran.add("first " + tally));
            events.onTokenUpdate("broken", DeviceEvents.Lane.INLINE, (id, tally) -> {
                throw new IllegalStateException("store down");
            });
            events.onTokenUpdate("last", DeviceEvents.Lane.INLINE, (id, tally) -> ran.add("last " + tally));

            events.tokenUpdated(new EnrollmentId(DEVICE, dev.jmdm.server.protocol.EnrollmentType.DEVICE, DEVICE), 1, false);

            assertThat(background.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ran).containsExactly("first 1", "last 1", "background on another thread");
        }
    }

    @Test
    void setupStepsRunInTheirPlaceOnlyWhileTheDevicesSetupIsUnderWay() {
        List<String> ran = new CopyOnWriteArrayList<>();
        EnrollmentId id = new EnrollmentId(DEVICE, dev.jmdm.server.protocol.EnrollmentType.DEVICE, DEVICE);
        try (DeviceEvents events = new DeviceEvents(() -> { })) {
            events.onTokenUpdate("inventory", DeviceEvents.Lane.INLINE, (i, tally) -> ran.add("inventory"));
            events.onSetupTokenUpdate("setup", DeviceEvents.Lane.INLINE, (i, tally) -> ran.add("setup"));
            events.onTokenUpdate("profiles", DeviceEvents.Lane.INLINE, (i, tally) -> ran.add("profiles"));
            events.onAnswer("answer", DeviceEvents.Lane.INLINE, (i, r) -> ran.add("answer"));
            events.onSetupAnswer("setup answer", DeviceEvents.Lane.INLINE, (i, r) -> ran.add("setup answer"));

            events.tokenUpdated(id, 1, false);
            events.resultStored(id, report("Acknowledged", UUID.randomUUID().toString()), false);
            assertThat(ran).as("no setup under way").containsExactly("inventory", "profiles", "answer");

            ran.clear();
            events.tokenUpdated(id, 1, true);
            events.resultStored(id, report("Acknowledged", UUID.randomUUID().toString()), true);
            assertThat(ran).as("setup under way").containsExactly("inventory", "setup", "profiles", "answer", "setup answer");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aFailingStepNeverFailsTheDevicesRequest(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC()); DeviceEvents events = new DeviceEvents(() -> { })) {
            events.onAnswer("broken answer step", DeviceEvents.Lane.INLINE, (id, report) -> {
                throw new IllegalStateException("answer step failed");
            });
            events.onDelivery("broken delivery step", DeviceEvents.Lane.INLINE, (id, next) -> {
                throw new IllegalStateException("delivery step failed");
            });
            // Migration-style requests (no identity) need no certificate binder.
            CommandService service = new CommandService(f.commands, f.enrollments, null, Clock.systemUTC(), events);
            Command first = command("DeviceInformation");
            Command second = command("ProfileList");
            f.commands.enqueue(first, List.of(DEVICE));
            f.commands.enqueue(second, List.of(DEVICE));

            DeviceResponse idle = service.handle(report("Idle", null), null);
            assertThat(idle.status()).isEqualTo(200);
            assertThat(idle.body()).isEqualTo(first.raw());
            DeviceResponse answered = service.handle(report("Acknowledged", first.commandUuid()), null);
            assertThat(answered.status()).isEqualTo(200);
            assertThat(answered.body()).isEqualTo(second.raw());
            assertThat(f.commands.entries(first.commandUuid())).singleElement()
                    .satisfies(e -> assertThat(e.state()).isEqualTo("Acknowledged"));
        }
    }
}
