package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.SimulatedDevice;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A queue that stays small (issue #14), end to end on one engine: finished rows are readable until
 * MDM_RESULT_RETENTION and gone after it; a command pending for MDM_COMMAND_TTL for a device not seen as long ends as
 * Expired and is never delivered, while profile commands and devices still seen keep theirs. Ages are made by moving
 * the stored times back, as 31 days of waiting would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class QueueScaleScenarios {
    private static final long DAY = Duration.ofDays(1).toMillis();

    TestServer server;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void start() throws Exception {
        server = new TestServer(engine(), Files.createTempDirectory("jmdm-queue-scale"));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private SimulatedDevice enrolled() {
        SimulatedDevice d = server.newMac();
        d.enroll();
        return d;
    }

    private Commands.Built enqueue(String requestType, SimulatedDevice d) {
        Commands.Built cmd = Commands.of(requestType);
        assertThat(server.admin.enqueue(cmd.plist(), List.of(d.enrollmentId()), true).status()).isEqualTo(200);
        return cmd;
    }

    private String state(Commands.Built cmd) {
        JsonNode got = server.admin.command(cmd.commandUuid()).json();
        return got.get("enrollments").get(0).get("status").asText();
    }

    @Test
    void finishedCommandsAreReadableUntilRetentionAndDeletedAfterIt() {
        SimulatedDevice d = enrolled();
        Commands.Built old = enqueue("DeviceInformation", d);
        Commands.Built recent = enqueue("SecurityInfo", d);
        Commands.Built waiting = enqueue("ProfileList", d);
        // The device answers the first two; the reply to the second hands it the third, which it never answers.
        d.channel().report("Acknowledged", old.commandUuid(), null);
        d.channel().report("Acknowledged", recent.commandUuid(), null);
        server.sql("UPDATE enrollment_queue SET updated_at = ?, created_at = ? WHERE command_uuid IN (?, ?)",
                System.currentTimeMillis() - 31 * DAY, System.currentTimeMillis() - 31 * DAY,
                old.commandUuid(), waiting.commandUuid());
        server.sql("UPDATE enrollment_queue SET updated_at = ? WHERE command_uuid = ?",
                System.currentTimeMillis() - 29 * DAY, recent.commandUuid());

        assertThat(server.mdm().queue().purge()).isEqualTo(1);

        // The answer older than 30 days is gone with its command; the one from 29 days ago is still there, result too.
        assertThat(server.admin.command(old.commandUuid()).status()).isEqualTo(404);
        assertThat(server.queryString("SELECT command_uuid FROM commands WHERE command_uuid = ?", old.commandUuid())).isNull();
        JsonNode kept = server.admin.command(recent.commandUuid()).json().get("enrollments").get(0);
        assertThat(kept.get("status").asText()).isEqualTo("Acknowledged");
        assertThat(kept.toString()).contains("Acknowledged");
        // A pending row is never deleted, however old.
        assertThat(state(waiting)).isEqualTo("Delivered");
        assertThat(server.mdm().queue().purge()).isZero();
    }

    @Test
    void aCommandPendingForAnAbsentDeviceExpiresAndIsNeverDelivered() {
        SimulatedDevice gone = enrolled();
        Commands.Built info = enqueue("DeviceInformation", gone);
        Commands.Built list = enqueue("ProfileList", gone);
        SimulatedDevice present = enrolled();
        Commands.Built presentInfo = enqueue("DeviceInformation", present);
        long monthAgo = System.currentTimeMillis() - 31 * DAY;
        server.sql("UPDATE enrollment_queue SET created_at = ? WHERE command_uuid IN (?, ?, ?)",
                monthAgo, info.commandUuid(), list.commandUuid(), presentInfo.commandUuid());
        server.sql("UPDATE enrollments SET last_seen_at = ? WHERE id = ?", monthAgo, gone.enrollmentId());
        server.sql("UPDATE enrollments SET last_seen_at = ? WHERE id = ?", System.currentTimeMillis() - DAY, present.enrollmentId());

        assertThat(server.mdm().queue().expire()).isEqualTo(1);

        assertThat(state(info)).isEqualTo("Expired");
        // The reconciler's command is its to supersede; a device seen yesterday keeps its month-old command.
        assertThat(state(list)).isEqualTo("Queued");
        assertThat(state(presentInfo)).isEqualTo("Queued");
        // An expired command is finished: a returning device is not sent it, and it cannot be canceled any more.
        List<HandledCommand> handled = gone.channel().poll();
        assertThat(handled).extracting(HandledCommand::commandUuid).containsExactly(list.commandUuid());
        assertThat(state(info)).isEqualTo("Expired");
        assertThat(server.admin.cancel(gone.enrollmentId(), info.commandUuid()).status()).isNotEqualTo(200);
        // Expired rows age out like any finished row.
        server.sql("UPDATE enrollment_queue SET updated_at = ? WHERE command_uuid = ?", monthAgo, info.commandUuid());
        assertThat(server.mdm().queue().purge()).isGreaterThanOrEqualTo(1);
        assertThat(server.admin.command(info.commandUuid()).status()).isEqualTo(404);
    }
}
