package dev.jmdm.sim.bench;

import dev.jmdm.server.protocol.CommandReport;
import dev.jmdm.server.protocol.Messages;
import dev.jmdm.server.secrets.SecretBox;
import dev.jmdm.server.secrets.StoredSecrets;
import dev.jmdm.server.storage.CommandStore;
import dev.jmdm.server.storage.Database;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Whether finished queue rows slow the device's hot path (issue #14). The store operations behind an Idle that gets a
 * command (next + claim), its Acknowledged (the guarded update), and the Idle that finds the queue empty, timed over
 * the same devices with no finished rows and then with a million of them (inserted in bulk with SQL, spread over the
 * same devices, as months of history leave them). Prints the plans of those statements (EXPLAIN), the bytes a
 * finished row takes (MariaDB's table statistics), and how fast the retention job deletes the million rows.
 */
@CommandLine.Command(name = "queue-bench", mixinStandardHelpOptions = true,
        description = "Idle/Acknowledged cost with and without 1,000,000 finished queue rows, on an empty MySQL/MariaDB database or an H2 URL.")
public final class QueueScaleBenchmark implements Callable<Integer> {
    @Option(names = "--dsn", required = true, description = "JDBC URL of an empty database")
    String dsn;
    @Option(names = "--devices", description = "devices polling (default ${DEFAULT-VALUE})")
    int devices = 2_000;
    @Option(names = "--finished", description = "finished queue rows inserted between the runs (default ${DEFAULT-VALUE})")
    int finished = 1_000_000;
    @Option(names = "--result-bytes", description = "size of each stored answer (default ${DEFAULT-VALUE}: an Acknowledged with a small payload)")
    int resultBytes = 512;
    @Option(names = "--rounds", description = "commands per device per measurement (default ${DEFAULT-VALUE})")
    int rounds = 3;
    @Option(names = "--threads", description = "concurrent devices (default ${DEFAULT-VALUE})")
    int threads = 16;

    public static void main(String[] args) {
        int code = 1;
        try {
            code = new CommandLine(new QueueScaleBenchmark()).execute(args);
        } catch (Throwable t) {
            t.printStackTrace();
        } finally {
            System.exit(code);
        }
    }

    private List<String> ids;

    @Override
    public Integer call() throws Exception {
        ids = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            ids.add(String.format("BENCH-DEVICE-%06d", i));
        }
        try (Database db = Database.open(dsn, threads + 2)) {
            CommandStore store = new CommandStore(db.jdbi(), Clock.systemUTC(), new StoredSecrets(SecretBox.fromSecret("queue-benchmark-secret-key")));
            System.out.printf("queue hot path, %,d devices, %d threads, %d commands each; %s%n", devices, threads, rounds,
                    db.jdbi().withHandle(h -> h.getConnection().getMetaData().getDatabaseProductName() + " "
                            + h.getConnection().getMetaData().getDatabaseProductVersion()));
            measure(store); // JIT and pool warm-up, not reported
            Figures empty = measure(store);
            long t0 = System.nanoTime();
            insertFinished(db);
            System.out.printf("inserted %,d finished rows (%d-byte results) in %.1f s%n", finished, resultBytes, (System.nanoTime() - t0) / 1e9);
            analyze(db);
            Figures full = measure(store);
            System.out.printf("%-44s %14s %14s %8s%n", "operation (mean per call, ms)", "0 finished", String.format("%,d finished", finished), "ratio");
            print("Idle → next command (read + claim)", empty.idleNext(), full.idleNext());
            print("Acknowledged (guarded update)", empty.ack(), full.ack());
            print("Idle → empty queue (read)", empty.idleEmpty(), full.idleEmpty());
            System.out.printf("%-44s %14.0f %14.0f %8.2f%n", "device exchanges/s (all three, " + threads + " threads)",
                    empty.perSecond(), full.perSecond(), full.perSecond() / empty.perSecond());
            explain(db);
            rowSize(db);
            long d0 = System.nanoTime();
            int deleted = 0;
            long cutoff = System.currentTimeMillis() + 1; // everything finished so far
            while (true) {
                int n = store.purgeFinished(cutoff, 1_000);
                deleted += n;
                if (n < 1_000) {
                    break;
                }
            }
            double seconds = (System.nanoTime() - d0) / 1e9;
            System.out.printf("retention: deleted %,d finished rows in batches of 1,000 in %.1f s (%,.0f rows/s)%n", deleted, seconds, deleted / seconds);
            return 0;
        }
    }

    private static void print(String what, double empty, double full) {
        System.out.printf("%-44s %14.3f %14.3f %8.2f%n", what, empty, full, full / empty);
    }

    record Figures(double idleNext, double ack, double idleEmpty, double perSecond) {
    }

    /** Each device: enqueue (outside the timing), then Idle → command, Acknowledged, Idle → nothing, rounds times. */
    private Figures measure(CommandStore store) throws Exception {
        AtomicLong nextNanos = new AtomicLong();
        AtomicLong ackNanos = new AtomicLong();
        AtomicLong emptyNanos = new AtomicLong();
        long wall = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int r = 0; r < rounds; r++) {
                dev.jmdm.server.protocol.Command cmd = command();
                store.enqueue(cmd, ids);
                long w0 = System.nanoTime();
                List<Future<?>> jobs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int first = t;
                    jobs.add(pool.submit(() -> {
                        for (int i = first; i < ids.size(); i += threads) {
                            String id = ids.get(i);
                            long a = System.nanoTime();
                            CommandStore.Next next = store.deliverNext(id, true).orElseThrow();
                            long b = System.nanoTime();
                            if (!store.storeReport(id, report(next.commandUuid()))) {
                                throw new IllegalStateException("answer not stored for " + id);
                            }
                            long c = System.nanoTime();
                            if (store.deliverNext(id, true).isPresent()) {
                                throw new IllegalStateException("queue of " + id + " not empty");
                            }
                            long d = System.nanoTime();
                            nextNanos.addAndGet(b - a);
                            ackNanos.addAndGet(c - b);
                            emptyNanos.addAndGet(d - c);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : jobs) {
                    f.get();
                }
                wall += System.nanoTime() - w0;
            }
        } finally {
            pool.shutdown();
        }
        double calls = (double) rounds * ids.size();
        return new Figures(nextNanos.get() / calls / 1e6, ackNanos.get() / calls / 1e6, emptyNanos.get() / calls / 1e6,
                calls / (wall / 1e9));
    }

    private static dev.jmdm.server.protocol.Command command() {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <plist version="1.0"><dict>
                <key>Command</key><dict><key>RequestType</key><string>SecurityInfo</string></dict>
                <key>CommandUUID</key><string>%s</string>
                </dict></plist>
                """.formatted(UUID.randomUUID());
        return Messages.command(xml.getBytes(StandardCharsets.UTF_8));
    }

    private static CommandReport report(String uuid) {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <plist version="1.0"><dict>
                <key>Status</key><string>Acknowledged</string>
                <key>UDID</key><string>BENCH</string>
                <key>CommandUUID</key><string>%s</string>
                </dict></plist>
                """.formatted(uuid);
        return Messages.report(xml.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Finished rows as months of rollouts leave them: commands of 1,000 devices each (the bench's devices and others),
     * answered, spread over the bench's own devices too, so their index ranges hold hundreds of finished rows each.
     */
    private void insertFinished(Database db) throws Exception {
        byte[] result = new byte[resultBytes];
        java.util.Arrays.fill(result, (byte) 'x');
        int perCommand = 1_000;
        int perStatement = 500;
        long now = System.currentTimeMillis();
        try (org.jdbi.v3.core.Handle h = db.jdbi().open(); Connection c = h.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement cmd = c.prepareStatement("INSERT INTO commands (command_uuid, request_type, command, created_at) VALUES (?, 'DeviceInformation', ?, ?)")) {
                for (int i = 0; i < finished / perCommand + 1; i++) {
                    cmd.setString(1, String.format("FINISHED-%08d", i));
                    cmd.setBytes(2, result);
                    cmd.setLong(3, now);
                    cmd.addBatch();
                }
                cmd.executeBatch();
            }
            StringBuilder sql = new StringBuilder("INSERT INTO enrollment_queue (enrollment_id, command_uuid, pending, status, result, result_at,"
                    + " delivered_at, delivery_count, created_at, updated_at) VALUES ");
            for (int i = 0; i < perStatement; i++) {
                sql.append(i == 0 ? "" : ", ").append("(?, ?, FALSE, 'Acknowledged', ?, ?, ?, 1, ?, ?)");
            }
            try (PreparedStatement q = c.prepareStatement(sql.toString())) {
                for (int done = 0; done < finished; done += perStatement) {
                    for (int i = 0; i < perStatement; i++) {
                        int row = done + i;
                        // Half the rows on the bench's devices, half on 100,000 others.
                        String enrollment = row % 2 == 0 ? ids.get((row / 2) % ids.size()) : String.format("OTHER-%06d", (row / 2) % 100_000);
                        int p = i * 7;
                        long at = now - (finished - row) * 1_000L;
                        q.setString(p + 1, enrollment);
                        q.setString(p + 2, String.format("FINISHED-%08d", row / perCommand));
                        q.setBytes(p + 3, result);
                        q.setLong(p + 4, at);
                        q.setLong(p + 5, at);
                        q.setLong(p + 6, at);
                        q.setLong(p + 7, at);
                    }
                    q.executeUpdate();
                    if ((done / perStatement) % 20 == 19) {
                        c.commit();
                    }
                }
            }
            c.commit();
        }
    }

    private boolean mysql(Database db) throws Exception {
        try (org.jdbi.v3.core.Handle h = db.jdbi().open(); Connection c = h.getConnection()) {
            return !c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("h2");
        }
    }

    private void analyze(Database db) throws Exception {
        if (mysql(db)) {
            try (org.jdbi.v3.core.Handle h = db.jdbi().open(); Connection c = h.getConnection(); Statement s = c.createStatement()) {
                s.execute("ANALYZE TABLE enrollment_queue, commands");
            }
        } else {
            try (org.jdbi.v3.core.Handle h = db.jdbi().open(); Connection c = h.getConnection(); Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
        }
    }

    /** The plans of the hot path's statements, for a bench device with hundreds of finished rows. */
    private void explain(Database db) throws Exception {
        String id = ids.get(0);
        String[][] statements = {
            {"Idle: next command", "SELECT q.id, q.command_uuid, c.command, c.request_type FROM enrollment_queue q"
                    + " JOIN commands c ON c.command_uuid = q.command_uuid WHERE q.enrollment_id = '" + id + "' AND q.pending = TRUE"
                    + " ORDER BY q.id LIMIT 1"},
            {"claim", "UPDATE enrollment_queue SET delivered_at = 1, delivery_count = delivery_count + 1, updated_at = 1"
                    + " WHERE id = 1 AND pending = TRUE"},
            {"Acknowledged", "UPDATE enrollment_queue SET status = 'Acknowledged', result = NULL, result_at = 1, pending = FALSE,"
                    + " updated_at = 1 WHERE enrollment_id = '" + id + "' AND command_uuid = 'X' AND pending = TRUE"},
            {"retention batch", "SELECT id, command_uuid FROM enrollment_queue WHERE pending = FALSE AND updated_at < 1"
                    + " ORDER BY pending, updated_at LIMIT 1000"},
        };
        try (org.jdbi.v3.core.Handle h = db.jdbi().open(); Connection c = h.getConnection(); Statement s = c.createStatement()) {
            for (String[] st : statements) {
                System.out.println("EXPLAIN " + st[0] + ":");
                try (ResultSet rs = s.executeQuery("EXPLAIN " + st[1])) {
                    int cols = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder line = new StringBuilder("  ");
                        for (int i = 1; i <= cols; i++) {
                            line.append(i == 1 ? "" : " | ").append(rs.getMetaData().getColumnLabel(i)).append('=').append(rs.getString(i));
                        }
                        System.out.println(line.toString().replace('\n', ' '));
                    }
                }
            }
        }
    }

    private void rowSize(Database db) throws Exception {
        if (!mysql(db)) {
            return;
        }
        try (org.jdbi.v3.core.Handle h = db.jdbi().open(); Connection c = h.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT table_name, table_rows, data_length, index_length FROM information_schema.tables"
                        + " WHERE table_schema = DATABASE() AND table_name IN ('enrollment_queue', 'commands')")) {
            while (rs.next()) {
                long rows = Math.max(1, rs.getLong(2));
                System.out.printf("table %-17s ≈%,d rows, data %,d B, indexes %,d B: %,d B per row%n", rs.getString(1), rs.getLong(2),
                        rs.getLong(3), rs.getLong(4), (rs.getLong(3) + rs.getLong(4)) / rows);
            }
        }
    }
}
