package dev.jmdm.server.storage;

import dev.jmdm.server.protocol.Command;
import dev.jmdm.server.protocol.CommandReport;
import dev.jmdm.server.secrets.SealedColumn;
import dev.jmdm.server.secrets.SecretCommands;
import dev.jmdm.server.secrets.StoredSecrets;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Commands and the per-enrollment queue. The rules the device protocol needs live in the SQL:
 * enqueue order is the queue row id; a command stays pending until a final answer; NotNow'd
 * commands are skipped unless the caller asks for them; a final answer is never overwritten.
 */
public final class CommandStore {
    private static final String ENTRY_COLUMNS = """
            q.enrollment_id, q.command_uuid, c.request_type, q.pending, q.status, q.delivered_at, q.delivery_count,
            q.not_now_at, q.not_now_tally, q.result_at, q.result, q.created_at""";
    private static final RowMapper<QueueEntry> ENTRY = (rs, ctx) -> new QueueEntry(
            rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5),
            rs.getObject(6, Long.class), rs.getInt(7), rs.getObject(8, Long.class), rs.getInt(9),
            rs.getObject(10, Long.class), rs.getBytes(11), rs.getLong(12));

    private final Jdbi jdbi;
    private final Clock clock;
    private final DeliveryProbe probe;
    /** Seals the commands that carry a secret ({@link SecretCommands}) and opens them for delivery and the API. */
    private final StoredSecrets secrets;

    public CommandStore(Jdbi jdbi, Clock clock, StoredSecrets secrets) {
        this(jdbi, clock, secrets, DeliveryProbe.NONE);
    }

    public CommandStore(Jdbi jdbi, Clock clock, StoredSecrets secrets, DeliveryProbe probe) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.secrets = secrets;
        this.probe = probe;
    }

    /** What the commands table holds for a command: as enqueued, or sealed to its row when it carries a secret. */
    private byte[] stored(Command command) {
        return SecretCommands.carriesSecret(command.requestType())
                ? secrets.sealBytes(SealedColumn.COMMAND, command.commandUuid(), command.raw())
                : command.raw();
    }

    /** The command's bytes as enqueued: a sealed one opened (with this row's binding), any other as stored. */
    private byte[] opened(String commandUuid, byte[] stored) {
        return secrets.openBytes(SealedColumn.COMMAND, commandUuid, stored);
    }

    /**
     * Told when a command has been chosen for a device and is about to be claimed. Only tests use it: it lets
     * them land a cancel in the window between the read and the claim, which is the race the claim closes.
     */
    @FunctionalInterface
    public interface DeliveryProbe {
        DeliveryProbe NONE = (enrollmentId, commandUuid) -> { };

        void chosen(String enrollmentId, String commandUuid);
    }

    /** A CommandUUID that is already stored: enqueueing it again would make two answers ambiguous. */
    public static final class DuplicateCommandException extends RuntimeException {
        public DuplicateCommandException(String uuid) {
            super("command " + uuid + " already exists; every enqueue needs a new CommandUUID");
        }
    }

    /** The next command to hand a device. */
    public record Next(long queueId, String commandUuid, byte[] command, String requestType) {
    }

    /**
     * Stores the command and queues it for every id, all in one transaction: either every
     * enrollment has it or none does.
     */
    public void enqueue(Command command, Collection<String> enrollmentIds) {
        try {
            jdbi.useTransaction(h -> within(h).enqueue(command, enrollmentIds));
        } catch (RuntimeException e) {
            if (Sql.isDuplicateKey(e)) {
                throw new DuplicateCommandException(command.commandUuid());
            }
            throw e;
        }
    }

    /**
     * The queue's writes as part of a caller's transaction, for callers whose own rows must commit together
     * with the queue (the profile reconciler writes a host's profile state and queues its commands under the
     * host's lock). Only enqueue and cancel: everything else about the queue stays behind this store.
     */
    public interface QueueWrites {
        /** {@link CommandStore#enqueue(Command, Collection)} without a transaction of its own. */
        void enqueue(Command command, Collection<String> enrollmentIds);

        /** {@link CommandStore#cancel(String, String)} without a transaction of its own. */
        CancelResult cancel(String enrollmentId, String commandUuid);
    }

    /** The queue's writes on the caller's transaction {@code h}. */
    public QueueWrites within(Handle h) {
        return new QueueWrites() {
            @Override
            public void enqueue(Command command, Collection<String> enrollmentIds) {
                insert(h, command, enrollmentIds);
            }

            @Override
            public CancelResult cancel(String enrollmentId, String commandUuid) {
                return cancelIn(h, enrollmentId, commandUuid);
            }
        };
    }

    private void insert(Handle h, Command command, Collection<String> enrollmentIds) {
        long now = clock.millis();
        h.createUpdate("INSERT INTO commands (command_uuid, request_type, command, created_at) VALUES (:u, :t, :c, :now)")
                .bind("u", command.commandUuid()).bind("t", command.requestType()).bind("c", stored(command))
                .bind("now", now).execute();
        PreparedBatch batch = h.prepareBatch("""
                INSERT INTO enrollment_queue (enrollment_id, command_uuid, pending, created_at, updated_at)
                VALUES (:e, :u, TRUE, :now, :now)""");
        for (String id : enrollmentIds) {
            batch.bind("e", id).bind("u", command.commandUuid()).bind("now", now).add();
        }
        batch.execute();
    }

    /**
     * Stores a device's answer. Only a pending entry changes, so a duplicate report, a late
     * NotNow after a final answer, or an answer to a cancelled command changes nothing.
     * Returns whether anything was stored.
     */
    public boolean storeReport(String enrollmentId, CommandReport report) {
        long now = clock.millis();
        boolean notNow = report.status() == CommandReport.Status.NOT_NOW;
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE enrollment_queue SET status = :status, result = :result, result_at = :now,
                  pending = :pending, not_now_at = CASE WHEN :notNow THEN :now ELSE not_now_at END,
                  not_now_tally = not_now_tally + CASE WHEN :notNow THEN 1 ELSE 0 END, updated_at = :now
                WHERE enrollment_id = :e AND command_uuid = :u AND pending = TRUE""")
                .bind("status", report.status().wire()).bind("result", report.raw()).bind("now", now)
                .bind("pending", !report.status().isFinal()).bind("notNow", notNow)
                .bind("e", enrollmentId).bind("u", report.commandUuid()).execute()) > 0;
    }

    /**
     * The oldest pending command. NotNow'd commands are included only when the device said Idle:
     * after a NotNow the device is busy, and Apple asks servers not to resend until it polls again.
     */
    public Optional<Next> next(String enrollmentId, boolean includeNotNow) {
        String sql = "SELECT q.id, q.command_uuid, c.command, c.request_type FROM enrollment_queue q"
                + " JOIN commands c ON c.command_uuid = q.command_uuid"
                + " WHERE q.enrollment_id = :e AND q.pending = TRUE" + (includeNotNow ? "" : " AND q.status IS NULL")
                + " ORDER BY q.id LIMIT 1";
        return jdbi.withHandle(h -> h.createQuery(sql)
                .bind("e", enrollmentId)
                .map((rs, ctx) -> new Next(rs.getLong(1), rs.getString(2), opened(rs.getString(2), rs.getBytes(3)), rs.getString(4)))
                .findOne());
    }

    /**
     * Claims a chosen command for delivery: it counts as delivered only if it is still pending in this very
     * statement. A cancel (admin or profile reconciler) that committed after the read makes this a no-op, and
     * the caller must not send the bytes. Cancels refuse a row this claim has marked (see {@link #NOT_RUNNING}), so
     * of a cancel and a delivery exactly one wins, whatever the order the database serialises them in.
     */
    public boolean claim(long queueId) {
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE enrollment_queue SET delivered_at = :now, delivery_count = delivery_count + 1, updated_at = :now
                WHERE id = :id AND pending = TRUE""").bind("id", queueId).bind("now", clock.millis()).execute()) > 0;
    }

    /**
     * The next command for the device, claimed (see {@link #claim}): what it returns may be sent. A command
     * cancelled between the read and the claim is skipped and the next one read; the loop ends because each
     * lost claim means one row fewer pending.
     */
    public Optional<Next> deliverNext(String enrollmentId, boolean includeNotNow) {
        while (true) {
            Optional<Next> next = next(enrollmentId, includeNotNow);
            if (next.isEmpty()) {
                return next;
            }
            probe.chosen(enrollmentId, next.get().commandUuid());
            if (claim(next.get().queueId())) {
                return next;
            }
        }
    }

    /**
     * Authenticate starts a new enrollment: what was queued for the old one (on every channel of
     * the device) will never be answered, so it is closed as Cleared rather than deleted.
     */
    void clearDevice(Handle h, String deviceId) {
        long now = clock.millis();
        h.createUpdate("""
                UPDATE enrollment_queue SET pending = FALSE, status = :cleared, updated_at = :now
                WHERE pending = TRUE AND enrollment_id IN (SELECT id FROM enrollments WHERE device_id = :d)""")
                .bind("cleared", QueueEntry.CLEARED).bind("now", now).bind("d", deviceId).execute();
    }

    /**
     * Outcome of a cancel request. ALREADY_DELIVERED: still pending and the device may be running it, so
     * it stays; FINISHED: answered, cancelled or cleared before; NOT_FOUND: never queued for that enrollment.
     */
    public enum CancelResult { CANCELED, NOT_FOUND, ALREADY_DELIVERED, FINISHED }

    /**
     * The one rule for "cancellable", used by every cancel: pending and not running on the device. A
     * command is not running when it was never given out, or when it was NotNow'd and not given out again
     * since (as many deliveries as NotNows): the device declined it and forgot it. A delivered command
     * without an answer may be running. {@link #claim} moves {@code delivery_count}, so a claim and a
     * cancel of the same row exclude each other whichever the database runs first.
     */
    private static final String NOT_RUNNING = "pending = TRUE AND delivery_count = not_now_tally";

    /** Cancels a command the device is not running (see {@link #NOT_RUNNING}); a delivered one may be running. */
    public CancelResult cancel(String enrollmentId, String commandUuid) {
        return jdbi.inTransaction(h -> cancelIn(h, enrollmentId, commandUuid));
    }

    private CancelResult cancelIn(Handle h, String enrollmentId, String commandUuid) {
        int n = h.createUpdate("UPDATE enrollment_queue SET pending = FALSE, status = :canceled, updated_at = :now"
                        + " WHERE enrollment_id = :e AND command_uuid = :u AND " + NOT_RUNNING)
                .bind("canceled", QueueEntry.CANCELED).bind("now", clock.millis())
                .bind("e", enrollmentId).bind("u", commandUuid).execute();
        if (n > 0) {
            return CancelResult.CANCELED;
        }
        Optional<Boolean> pending = h.createQuery("SELECT pending FROM enrollment_queue WHERE enrollment_id = :e AND command_uuid = :u")
                .bind("e", enrollmentId).bind("u", commandUuid).mapTo(Boolean.class).findOne();
        if (pending.isEmpty()) {
            return CancelResult.NOT_FOUND;
        }
        return pending.get() ? CancelResult.ALREADY_DELIVERED : CancelResult.FINISHED;
    }

    /** The enrollment's pending commands in delivery order. */
    public List<QueueEntry> pending(String enrollmentId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + ENTRY_COLUMNS
                + " FROM enrollment_queue q JOIN commands c ON c.command_uuid = q.command_uuid"
                + " WHERE q.enrollment_id = :e AND q.pending = TRUE ORDER BY q.id")
                .bind("e", enrollmentId).map(ENTRY).list());
    }

    /** A stored command (request type, raw bytes, when) by uuid. */
    public record StoredCommand(String commandUuid, String requestType, byte[] command, long createdAt) {
    }

    public Optional<StoredCommand> command(String commandUuid) {
        return jdbi.withHandle(h -> h.createQuery("SELECT command_uuid, request_type, command, created_at FROM commands WHERE command_uuid = :u")
                .bind("u", commandUuid)
                .map((rs, ctx) -> new StoredCommand(rs.getString(1), rs.getString(2), opened(rs.getString(1), rs.getBytes(3)), rs.getLong(4)))
                .findOne());
    }

    /** Every enrollment's entry for a command, in enqueue order. */
    public List<QueueEntry> entries(String commandUuid) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + ENTRY_COLUMNS
                + " FROM enrollment_queue q JOIN commands c ON c.command_uuid = q.command_uuid"
                + " WHERE q.command_uuid = :u ORDER BY q.id")
                .bind("u", commandUuid).map(ENTRY).list());
    }

    /** Request types the profile reconciler queues and supersedes itself; expiry leaves them to it. */
    static final List<String> RECONCILED = List.of("InstallProfile", "RemoveProfile", "ProfileList");

    /**
     * Ends as {@link QueueEntry#EXPIRED} at most {@code limit} commands pending since before {@code cutoff} for
     * enrollments not seen since before it either (MDM_COMMAND_TTL); profile commands are left to the reconciler. The
     * update re-checks last seen, so a device that polls in between keeps its commands. Returns how many expired.
     */
    public int expireStale(long cutoff, int limit) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            List<Long> ids = h.createQuery("""
                            SELECT q.id FROM enrollment_queue q
                            JOIN enrollments e ON e.id = q.enrollment_id
                            JOIN commands c ON c.command_uuid = q.command_uuid
                            WHERE q.pending = TRUE AND q.created_at < :cutoff AND e.last_seen_at < :cutoff
                              AND c.request_type NOT IN (<reconciled>)
                            ORDER BY q.id LIMIT :limit""")
                    .bind("cutoff", cutoff).bindList("reconciled", RECONCILED).bind("limit", limit)
                    .mapTo(Long.class).list();
            if (ids.isEmpty()) {
                return 0;
            }
            return h.createUpdate("""
                            UPDATE enrollment_queue SET pending = FALSE, status = :expired, updated_at = :now
                            WHERE id IN (<ids>) AND pending = TRUE
                              AND enrollment_id IN (SELECT e.id FROM enrollments e WHERE e.last_seen_at < :cutoff)""")
                    .bind("expired", QueueEntry.EXPIRED).bind("now", now).bind("cutoff", cutoff).bindList("ids", ids)
                    .execute();
        });
    }

    /**
     * Deletes at most {@code limit} finished queue rows (answered, canceled, cleared, expired) that finished before
     * {@code cutoff} (MDM_RESULT_RETENTION), oldest first through the {@code (pending, updated_at)} index, and the
     * commands no row names any more. One short transaction per call, so the queue's writers never wait long.
     * Returns how many queue rows were deleted.
     */
    public int purgeFinished(long cutoff, int limit) {
        return jdbi.inTransaction(h -> {
            List<Map.Entry<Long, String>> rows = h.createQuery("""
                            SELECT id, command_uuid FROM enrollment_queue
                            WHERE pending = FALSE AND updated_at < :cutoff ORDER BY pending, updated_at LIMIT :limit""")
                    .bind("cutoff", cutoff).bind("limit", limit)
                    .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2))).list();
            if (rows.isEmpty()) {
                return 0;
            }
            int deleted = h.createUpdate("DELETE FROM enrollment_queue WHERE id IN (<ids>) AND pending = FALSE")
                    .bindList("ids", rows.stream().map(Map.Entry::getKey).toList()).execute();
            h.createUpdate("""
                            DELETE FROM commands WHERE command_uuid IN (<uuids>)
                              AND NOT EXISTS (SELECT 1 FROM enrollment_queue q WHERE q.command_uuid = commands.command_uuid)""")
                    .bindList("uuids", rows.stream().map(Map.Entry::getValue).distinct().toList()).execute();
            return deleted;
        });
    }
}
