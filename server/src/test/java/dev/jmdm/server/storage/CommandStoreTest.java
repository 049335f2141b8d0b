package dev.jmdm.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jmdm.server.protocol.Command;
import dev.jmdm.server.protocol.CommandReport;
import dev.jmdm.server.protocol.Messages;
import dev.jmdm.server.testing.StoreFixture;
import dev.jmdm.server.testing.TestDatabases.Engine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The queue rules the device protocol relies on, on both engines. */
class CommandStoreTest {
    private static final String DEVICE = "D4D56083-BFB0-5047-8BDF-2727BACDC59B";

    static Command command(String requestType) {
        return Messages.command(commandXml(requestType, UUID.randomUUID().toString(), ""));
    }

    /** A command plist; {@code fields} go into its Command dictionary beside RequestType. */
    static byte[] commandXml(String requestType, String uuid, String fields) {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0"><dict>
                <key>Command</key><dict><key>RequestType</key><string>%s</string>%s</dict>
                <key>CommandUUID</key><string>%s</string>
                </dict></plist>
                """.formatted(requestType, fields, uuid);
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A lock PIN or an UnlockToken in a queued command is a secret like the ones the stores seal: the commands table
     * holds it sealed to its row, the device still gets the bytes as enqueued, and a command without one stays as is.
     */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void commandsCarryingASecretAreStoredSealedAndDeliveredAsEnqueued(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            Command lock = Messages.command(commandXml("DeviceLock", UUID.randomUUID().toString(), "<key>PIN</key><string>739164</string>"));
            Command info = command("DeviceInformation");
            f.commands.enqueue(lock, List.of(DEVICE));
            f.commands.enqueue(info, List.of(DEVICE));

            byte[] stored = storedBytes(f, lock.commandUuid());
            assertThat(new String(stored, StandardCharsets.US_ASCII)).startsWith("sealed:v2:").doesNotContain("739164").doesNotContain("PIN");
            assertThat(storedBytes(f, info.commandUuid())).isEqualTo(info.raw());

            assertThat(f.commands.deliverNext(DEVICE, true)).hasValueSatisfying(n -> assertThat(n.command()).isEqualTo(lock.raw()));
            assertThat(f.commands.command(lock.commandUuid())).hasValueSatisfying(c -> assertThat(c.command()).isEqualTo(lock.raw()));
            assertThat(f.commands.storeReport(DEVICE, report("Acknowledged", lock.commandUuid()))).isTrue();
            assertThat(f.commands.deliverNext(DEVICE, false)).hasValueSatisfying(n -> assertThat(n.command()).isEqualTo(info.raw()));
        }
    }

    private static byte[] storedBytes(StoreFixture f, String uuid) {
        return f.database.jdbi().withHandle(h -> h.createQuery("SELECT command FROM commands WHERE command_uuid = :u")
                .bind("u", uuid).mapTo(byte[].class).one());
    }

    static CommandReport report(String status, String uuid) {
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

    private static String next(StoreFixture f, boolean idle) {
        return f.commands.deliverNext(DEVICE, idle).map(CommandStore.Next::commandUuid).orElse(null);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void deliversInEnqueueOrderAndRedeliversUnansweredCommands(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            Command a = command("DeviceInformation");
            Command b = command("ProfileList");
            f.commands.enqueue(a, List.of(DEVICE));
            f.commands.enqueue(b, List.of(DEVICE));

            assertThat(next(f, true)).isEqualTo(a.commandUuid());
            // No answer yet: the same command again.
            assertThat(next(f, true)).isEqualTo(a.commandUuid());
            assertThat(f.commands.storeReport(DEVICE, report("Acknowledged", a.commandUuid()))).isTrue();
            assertThat(next(f, false)).isEqualTo(b.commandUuid());
            assertThat(f.commands.storeReport(DEVICE, report("Error", b.commandUuid()))).isTrue();
            assertThat(next(f, false)).isNull();

            List<QueueEntry> entries = f.commands.entries(a.commandUuid());
            assertThat(entries).singleElement().satisfies(e -> {
                assertThat(e.state()).isEqualTo("Acknowledged");
                assertThat(e.deliveryCount()).isEqualTo(2);
                assertThat(new String(e.result(), StandardCharsets.UTF_8)).contains("Acknowledged");
            });
            // Exact bytes are kept.
            assertThat(f.commands.command(b.commandUuid()).orElseThrow().command()).isEqualTo(b.raw());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void notNowCommandsWaitForTheNextIdleAndAreNeverLost(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            Command a = command("InstallProfile");
            Command b = command("DeviceInformation");
            f.commands.enqueue(a, List.of(DEVICE));
            f.commands.enqueue(b, List.of(DEVICE));

            assertThat(next(f, true)).isEqualTo(a.commandUuid());
            f.commands.storeReport(DEVICE, report("NotNow", a.commandUuid()));
            // After NotNow the device gets the next command, not the NotNow'd one again.
            assertThat(next(f, false)).isEqualTo(b.commandUuid());
            f.commands.storeReport(DEVICE, report("Acknowledged", b.commandUuid()));
            assertThat(next(f, false)).as("NotNow'd command must wait for Idle").isNull();
            // The next Idle brings it back.
            assertThat(next(f, true)).isEqualTo(a.commandUuid());
            f.commands.storeReport(DEVICE, report("Acknowledged", a.commandUuid()));
            assertThat(next(f, true)).isNull();

            QueueEntry entry = f.commands.entries(a.commandUuid()).get(0);
            assertThat(entry.notNowTally()).isEqualTo(1);
            assertThat(entry.state()).isEqualTo("Acknowledged");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aFinalAnswerIsNeverOverwrittenAndDuplicatesAreHarmless(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            Command a = command("DeviceInformation");
            f.commands.enqueue(a, List.of(DEVICE));
            next(f, true);
            assertThat(f.commands.storeReport(DEVICE, report("Acknowledged", a.commandUuid()))).isTrue();
            assertThat(f.commands.storeReport(DEVICE, report("Acknowledged", a.commandUuid()))).isFalse();
            assertThat(f.commands.storeReport(DEVICE, report("NotNow", a.commandUuid()))).isFalse();
            assertThat(f.commands.storeReport(DEVICE, report("Acknowledged", UUID.randomUUID().toString()))).isFalse();
            assertThat(f.commands.entries(a.commandUuid()).get(0).state()).isEqualTo("Acknowledged");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aDuplicateCommandUuidWritesNothing(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            Command a = command("DeviceInformation");
            f.commands.enqueue(a, List.of(DEVICE));
            Command again = new Command(a.commandUuid(), "ProfileList", "other bytes".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> f.commands.enqueue(again, List.of(DEVICE, "OTHER")))
                    .isInstanceOf(CommandStore.DuplicateCommandException.class);
            assertThat(f.commands.entries(a.commandUuid())).extracting(QueueEntry::enrollmentId).containsExactly(DEVICE);
            assertThat(f.commands.command(a.commandUuid()).orElseThrow().command()).isEqualTo(a.raw());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void onlyUndeliveredCommandsCanBeCancelled(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            Command a = command("DeviceInformation");
            Command b = command("ProfileList");
            f.commands.enqueue(a, List.of(DEVICE));
            f.commands.enqueue(b, List.of(DEVICE));
            next(f, true); // a delivered
            assertThat(f.commands.cancel(DEVICE, a.commandUuid())).isEqualTo(CommandStore.CancelResult.ALREADY_DELIVERED);
            assertThat(f.commands.cancel(DEVICE, b.commandUuid())).isEqualTo(CommandStore.CancelResult.CANCELED);
            assertThat(f.commands.cancel(DEVICE, b.commandUuid())).isEqualTo(CommandStore.CancelResult.FINISHED);
            assertThat(f.commands.cancel(DEVICE, "nope")).isEqualTo(CommandStore.CancelResult.NOT_FOUND);
            f.commands.storeReport(DEVICE, report("Acknowledged", a.commandUuid()));
            assertThat(next(f, true)).as("cancelled command is never delivered").isNull();
            assertThat(f.commands.pending(DEVICE)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aNotNowdCommandCanBeCancelledUntilItIsGivenOutAgain(Engine engine) {
        // The device declined it and forgot it: it is not running, so it may go (the profile reconciler
        // always cancelled these; the admin API now follows the same rule).
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            Command a = command("InstallProfile");
            Command b = command("DeviceInformation");
            f.commands.enqueue(a, List.of(DEVICE));
            f.commands.enqueue(b, List.of(DEVICE));
            assertThat(next(f, true)).isEqualTo(a.commandUuid());
            f.commands.storeReport(DEVICE, report("NotNow", a.commandUuid()));
            assertThat(f.commands.cancel(DEVICE, a.commandUuid())).isEqualTo(CommandStore.CancelResult.CANCELED);
            assertThat(next(f, true)).as("the cancelled command is not given out at the next Idle").isEqualTo(b.commandUuid());

            f.commands.storeReport(DEVICE, report("NotNow", b.commandUuid()));
            assertThat(next(f, true)).as("given out again at Idle").isEqualTo(b.commandUuid());
            assertThat(f.commands.cancel(DEVICE, b.commandUuid())).isEqualTo(CommandStore.CancelResult.ALREADY_DELIVERED);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aCancelLandingBetweenTheChoiceAndTheClaimWinsAndNothingIsSent(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            Command erase = command("EraseDevice");
            Command info = command("DeviceInformation");
            f.commands.enqueue(erase, List.of(DEVICE));
            f.commands.enqueue(info, List.of(DEVICE));

            // The losing order for the device: read, the admin's cancel commits, then the claim.
            CommandStore.Next chosen = f.commands.next(DEVICE, true).orElseThrow();
            assertThat(chosen.commandUuid()).isEqualTo(erase.commandUuid());
            assertThat(f.commands.cancel(DEVICE, erase.commandUuid())).isEqualTo(CommandStore.CancelResult.CANCELED);
            assertThat(f.commands.claim(chosen.queueId())).as("a cancelled command must not be claimed").isFalse();

            assertThat(f.commands.entries(erase.commandUuid())).singleElement().satisfies(e -> {
                assertThat(e.state()).isEqualTo(QueueEntry.CANCELED);
                assertThat(e.deliveredAt()).isNull();
                assertThat(e.deliveryCount()).isZero();
            });
            assertThat(next(f, true)).isEqualTo(info.commandUuid());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aClaimBeforeTheCancelWinsAndTheCancelIsRefused(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            Command erase = command("EraseDevice");
            f.commands.enqueue(erase, List.of(DEVICE));

            CommandStore.Next chosen = f.commands.next(DEVICE, true).orElseThrow();
            assertThat(f.commands.claim(chosen.queueId())).isTrue();
            assertThat(f.commands.cancel(DEVICE, erase.commandUuid())).isEqualTo(CommandStore.CancelResult.ALREADY_DELIVERED);
            assertThat(f.commands.entries(erase.commandUuid())).singleElement()
                    .satisfies(e -> assertThat(e.state()).isNotEqualTo(QueueEntry.CANCELED));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void deliveryThatLosesItsClaimHandsOutTheNextCommandInstead(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            Command erase = command("EraseDevice");
            Command info = command("DeviceInformation");
            f.commands.enqueue(erase, List.of(DEVICE));
            f.commands.enqueue(info, List.of(DEVICE));
            List<String> chosen = new java.util.ArrayList<>();
            // A second store on the same database whose probe cancels the erase each time it is chosen.
            CommandStore racing = new CommandStore(f.database.jdbi(), Clock.systemUTC(), f.secrets, (enrollment, uuid) -> {
                chosen.add(uuid);
                if (uuid.equals(erase.commandUuid())) {
                    assertThat(f.commands.cancel(enrollment, uuid)).isEqualTo(CommandStore.CancelResult.CANCELED);
                }
            });

            assertThat(racing.deliverNext(DEVICE, true)).map(CommandStore.Next::commandUuid).contains(info.commandUuid());
            assertThat(chosen).containsExactly(erase.commandUuid(), info.commandUuid());
            assertThat(f.commands.entries(erase.commandUuid()).get(0).deliveryCount()).isZero();
        }
    }
}
