package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.SimulatedDevice;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The host scenarios on a fresh MySQL/MariaDB database, plus lock order checks only InnoDB's locks show. */
class HostMariaDbTest extends HostScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }

    /**
     * Deleting a host locks the host row before its queue rows, as the profile reconciler does. A transaction
     * that holds the host row and then writes one of its queue rows (the reconciler cancelling an install)
     * must not deadlock with a delete waiting for that host. (Closing the queue first, the delete held the
     * queue rows while it waited for the host row, and InnoDB killed one of the two.)
     */
    @Test
    void deletingAHostTakesTheHostRowBeforeItsQueueRows() throws Exception {
        SimulatedDevice mac = enrolled(dev.jmdm.sim.DeviceFacts.Platform.MACOS);
        Commands.Built queued = Commands.of("CertificateList");
        assertThat(admin.enqueue(queued.plist(), List.of(mac.enrollmentId()), true).status()).isEqualTo(200);
        long hostId = ok(get("/v1/hosts/" + mac.udid())).get("id").asLong();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl())) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM hosts WHERE id = ? FOR UPDATE")) {
                s.setLong(1, hostId);
                assertThat(s.executeQuery().next()).isTrue();
            }
            Future<AdminClient.Reply> delete = pool.submit(() -> admin.send("DELETE", "/v1/hosts/" + hostId, null));
            awaitLockWait(c, delete);
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE enrollment_queue SET updated_at = updated_at + 1 WHERE enrollment_id = ? AND command_uuid = ?")) {
                s.setString(1, mac.enrollmentId());
                s.setString(2, queued.commandUuid());
                assertThat(s.executeUpdate()).isEqualTo(1);
            }
            c.commit();
            AdminClient.Reply r = delete.get(30, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        } finally {
            pool.shutdownNow();
        }
        assertThat(get("/v1/hosts/" + hostId).status()).isEqualTo(404);
    }

    /** Waits until a transaction on this test's database (the delete, behind ours) waits for a lock. */
    private static void awaitLockWait(Connection c, Future<AdminClient.Reply> delete) throws Exception {
        for (int i = 0; i < 600 && !delete.isDone(); i++) {
            try (PreparedStatement s = c.prepareStatement(
                    // A statement of another connection on this database still running: the delete, stuck behind
                    // our row lock. Not information_schema.innodb_trx: MariaDB may list a locking read that waits
                    // while the optimizer reads the row (state "Statistics") as RUNNING, not LOCK WAIT.
                    "SELECT COUNT(*) FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()"
                            + " AND command IN ('Query', 'Execute') AND info IS NOT NULL");
                    ResultSet rs = s.executeQuery()) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the delete never waited for the host row"
                + (delete.isDone() ? "; it answered " + delete.get().status() + " " + delete.get().body() : ""));
    }
}
