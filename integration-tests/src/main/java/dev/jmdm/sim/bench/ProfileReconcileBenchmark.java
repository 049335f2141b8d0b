package dev.jmdm.sim.bench;

import dev.jmdm.server.MdmServer;
import dev.jmdm.server.config.SettingsParser;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.MockApns;
import dev.jmdm.sim.Profiles;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The profile reconciliation benchmark: H enrolled hosts that all hold P verified profiles (seeded with
 * bulk SQL, no devices talk), then the two figures issue #6 asks for: the cost of a sweep that finds
 * nothing to do, and the time from uploading an edit of one profile until every host's InstallProfile is
 * queued. The edit goes through the API and its own trigger (no explicit reconcile), with a stand-in
 * APNs receiving the pushes the reconciler sends per batch. It checks what it measures: exactly one
 * queued InstallProfile per host carrying the new PayloadUUID, and nothing queued by the quiet sweeps.
 */
@Command(name = "profile-bench", mixinStandardHelpOptions = true,
        description = "Profile reconciliation benchmark on MySQL/MariaDB (an empty database).")
public final class ProfileReconcileBenchmark implements Callable<Integer> {
    @Option(names = "--hosts", description = "enrolled hosts (default ${DEFAULT-VALUE})")
    int hosts = 100_000;
    @Option(names = "--profiles", description = "profiles every host holds (default ${DEFAULT-VALUE})")
    int profiles = 20;
    @Option(names = "--dsn", required = true, description = "JDBC URL of an empty MySQL/MariaDB database")
    String dsn;
    @Option(names = "--quiet-sweeps", description = "steady-state sweeps to time (default ${DEFAULT-VALUE})")
    int quietSweeps = 3;

    public static void main(String[] args) {
        int code = 1;
        try {
            code = new CommandLine(new ProfileReconcileBenchmark()).execute(args);
        } catch (Throwable t) {
            t.printStackTrace();
        } finally {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        Path tmp = Files.createTempDirectory("profile-bench");
        try {
            return call(tmp);
        } finally {
            TempDirs.deleteQuietly(tmp);
        }
    }

    private int call(Path tmp) throws Exception {
        dev.jmdm.certsdev.DevStack.init(tmp.resolve("pki"));
        dev.jmdm.certsdev.LoadedStack stack = dev.jmdm.certsdev.DevStack.load(tmp.resolve("pki"));
        try (MockApns apns = new MockApns(stack.apnsServer(), stack.pushCa().certificate())) {
            Map<String, String> env = new HashMap<>();
            env.put("MDM_LISTEN", "127.0.0.1:0");
            env.put("MDM_API_KEY", "bench");
            env.put("MDM_DATA_DIR", tmp.resolve("data").toString());
            env.put("MDM_LOG_LEVEL", System.getenv().getOrDefault("MDM_LOG_LEVEL", "warn"));
            env.put("MDM_STORAGE", "mysql");
            env.put("MDM_DSN", dsn);
            env.put("MDM_SECRET_KEY", "profile-bench-secret-key-0123456789");
            env.put("MDM_APNS_URL", apns.url());
            env.put("MDM_APNS_CA", stack.files().caCert().toString());
            env.put("MDM_REPUSH_AFTER", "0");
            env.put("MDM_INVENTORY", "false");
            // Only the reconciliations this harness triggers run: no timer sweep or ProfileList schedule.
            env.put("MDM_PROFILE_SWEEP", "0");
            env.put("MDM_PROFILE_LIST_EVERY", "0");
            MdmServer server = MdmServer.start(SettingsParser.parse(new String[0], env), Clock.systemUTC());
            try (Connection db = DriverManager.getConnection(dsn)) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                AdminClient admin = new AdminClient(http, server.baseUri(), "bench");
                expect(admin.send("PUT", "/v1/pushcert", (Files.readString(stack.files().pushCert())
                        + Files.readString(stack.files().pushKey())).getBytes(StandardCharsets.UTF_8)), 200);
                long leftOver = count(db, "SELECT COUNT(*) FROM hosts") + count(db, "SELECT COUNT(*) FROM profiles");
                if (leftOver > 0) {
                    // Seeding assumes no rows of its own are there yet; a second run would collide with the first.
                    System.err.println("--dsn must name an empty database (this one holds hosts or profiles, say from an "
                            + "earlier run): CREATE DATABASE a new one and pass that");
                    return 2;
                }
                return run(admin, db, stack.pushTopic(), apns);
            } finally {
                server.close();
            }
        }
    }

    private int run(AdminClient admin, Connection db, String topic, MockApns apns) throws Exception {
        System.out.printf(Locale.ROOT, "profile reconciliation benchmark: %,d hosts x %d profiles, %d cores, JVM %s%n",
                hosts, profiles, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        // Profiles first, while there are no hosts, so their upload triggers find nothing to do.
        List<String> identifiers = new ArrayList<>();
        for (int i = 0; i < profiles; i++) {
            String id = "com.example.bench.p" + i;
            expect(admin.send("POST", "/v1/profiles", profile(id, uuid(), i, 1)), 201);
            expect(admin.send("PUT", "/v1/profiles/" + id + "/targets", "{\"all\": true}".getBytes(StandardCharsets.UTF_8)), 200);
            identifiers.add(id);
        }
        long t = System.nanoTime();
        seed(db, topic);
        System.out.printf(Locale.ROOT, "seeded %,d hosts and %,d host profiles (bulk SQL) in %.1f s%n",
                hosts, (long) hosts * profiles, seconds(t));

        for (int i = 0; i < quietSweeps; i++) {
            sweep(admin, "steady-state sweep " + (i + 1) + " (nothing changed)", 0);
        }

        String edited = identifiers.get(0);
        String newUuid = uuid();
        long queuedBefore = count(db, "SELECT COUNT(*) FROM enrollment_queue");
        t = System.nanoTime();
        expect(admin.send("POST", "/v1/profiles", profile(edited, newUuid, 0, 2)), 200);
        double uploaded = seconds(t);
        long queued;
        long lastReport = System.nanoTime();
        while ((queued = count(db, "SELECT COUNT(*) FROM enrollment_queue") - queuedBefore) < hosts) {
            if (seconds(t) > 600) {
                throw new IllegalStateException("only " + queued + " of " + hosts + " InstallProfile queued after 600 s");
            }
            if (seconds(lastReport) >= 5) {
                System.out.printf(Locale.ROOT, "  … %,d queued after %.1f s%n", queued, seconds(t));
                lastReport = System.nanoTime();
            }
            Thread.sleep(100);
        }
        double edit = seconds(t);
        System.out.printf(Locale.ROOT, "edit of one profile: upload answered in %.2f s; every host's InstallProfile queued after %.1f s (%,.0f hosts/s)%n",
                uploaded, edit, hosts / edit);
        verifyEdit(db, edited, newUuid);

        sweep(admin, "steady-state sweep after the edit (every host pending with its command)", 0);
        long waitPushes = System.nanoTime();
        while (apns.received().size() < hosts && seconds(waitPushes) < 60) {
            Thread.sleep(100);
        }
        System.out.printf(Locale.ROOT, "stand-in APNs received %,d pushes for the edit%n", apns.received().size());
        if (apns.received().size() != hosts) {
            throw new IllegalStateException("expected one push per host, got " + apns.received().size());
        }
        return 0;
    }

    private void sweep(AdminClient admin, String what, int expectQueued) {
        long t = System.nanoTime();
        AdminClient.Reply r = expect(admin.send("POST", "/v1/profiles/reconcile", null), 200);
        int queued = r.json().get("commands_queued").asInt();
        System.out.printf(Locale.ROOT, "%s: %d ms in the server, %.2f s wall, %,d hosts, %d queued%n",
                what, r.json().get("millis").asLong(), seconds(t), r.json().get("hosts").asInt(), queued);
        if (queued != expectQueued) {
            throw new IllegalStateException(what + " queued " + queued + " commands, expected " + expectQueued);
        }
    }

    /** Exactly one pending InstallProfile per host, each carrying the new PayloadUUID. */
    private void verifyEdit(Connection db, String identifier, String newUuid) throws SQLException {
        long entries = count(db, """
                SELECT COUNT(*) FROM enrollment_queue q JOIN commands c ON c.command_uuid = q.command_uuid
                WHERE q.pending = TRUE AND c.request_type = 'InstallProfile'""");
        long distinct = count(db, """
                SELECT COUNT(DISTINCT q.enrollment_id) FROM enrollment_queue q JOIN commands c ON c.command_uuid = q.command_uuid
                WHERE q.pending = TRUE AND c.request_type = 'InstallProfile'""");
        long tracked = count(db, "SELECT COUNT(*) FROM host_profiles WHERE identifier = '" + identifier + "' AND uuid = '"
                + newUuid + "' AND status = 'pending' AND command_uuid IS NOT NULL");
        long commands = count(db, "SELECT COUNT(*) FROM commands WHERE request_type = 'InstallProfile'");
        System.out.printf(Locale.ROOT, "  checked: %,d queue entries for %,d hosts, %,d host states pending on the new version, %d shared InstallProfile commands%n",
                entries, distinct, tracked, commands);
        if (entries != hosts || distinct != hosts || tracked != hosts) {
            throw new IllegalStateException("the edit did not queue exactly one InstallProfile per host");
        }
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT command FROM commands WHERE request_type = 'InstallProfile'")) {
            while (rs.next()) {
                // The payload is nested base64 inside the command plist; the PayloadUUID is inside it.
                String command = new String(rs.getBytes(1), StandardCharsets.UTF_8);
                String payload = command.substring(command.indexOf("<data>") + 6, command.indexOf("</data>")).replaceAll("\\s", "");
                String inner = new String(java.util.Base64.getDecoder().decode(payload), StandardCharsets.UTF_8);
                if (!inner.contains(newUuid)) {
                    throw new IllegalStateException("an InstallProfile does not carry the new version");
                }
            }
        }
    }

    /**
     * Hosts, their device and enrollment rows, and every (host, profile) verified on the current version,
     * in multi-row INSERTs and INSERT … SELECT: the shape the server's own writes leave behind.
     */
    private void seed(Connection db, String topic) throws SQLException {
        long now = System.currentTimeMillis();
        db.setAutoCommit(false);
        try (Statement s = db.createStatement()) {
            int chunk = 5_000;
            for (int from = 1; from <= hosts; from += chunk) {
                int to = Math.min(hosts, from + chunk - 1);
                StringBuilder hostRows = new StringBuilder();
                StringBuilder enrollRows = new StringBuilder();
                for (int i = from; i <= to; i++) {
                    String udid = String.format(Locale.ROOT, "BENCH-%08d", i);
                    String sep = i == from ? "" : ",";
                    hostRows.append(sep).append("('").append(udid).append("','SN").append(i).append("','").append(udid)
                            .append("','macOS',").append(now).append(',').append(now).append(',').append(now).append(')');
                    enrollRows.append(sep).append("('").append(udid).append("','").append(udid).append("','Device','")
                            .append(topic).append("','magic-").append(i).append("','")
                            .append(String.format(Locale.ROOT, "%064x", i)).append("',TRUE,1,")
                            .append(now).append(',').append(now).append(',').append(now).append(')');
                }
                s.executeUpdate("INSERT INTO hosts (udid, serial_number, device_id, platform, enrolled_at, created_at, updated_at) VALUES "
                        + hostRows);
                s.executeUpdate("INSERT INTO enrollments (id, device_id, type, topic, push_magic, token_hex, enabled, "
                        + "token_update_tally, last_seen_at, created_at, updated_at) VALUES " + enrollRows);
            }
            s.executeUpdate("INSERT INTO devices (id, serial_number, host_id, created_at, updated_at) "
                    + "SELECT udid, serial_number, id, created_at, updated_at FROM hosts");
            s.executeUpdate("""
                    INSERT INTO host_profiles (host_id, identifier, operation, status, uuid, installed_uuid, command_uuid,
                      attempts, detail, updated_at)
                    SELECT h.id, p.identifier, 'install', 'verified', p.uuid, p.uuid, NULL, 1, NULL, h.created_at
                    FROM hosts h CROSS JOIN profiles p""");
            s.executeUpdate("INSERT INTO host_profile_lists (host_id, requested_at, reported_at) SELECT id, "
                    + now + ", " + now + " FROM hosts");
        }
        db.commit();
        db.setAutoCommit(true);
        try (Statement s = db.createStatement()) {
            for (String table : List.of("hosts", "enrollments", "devices", "host_profiles", "host_profile_lists")) {
                s.execute("ANALYZE TABLE " + table);
            }
        }
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static AdminClient.Reply expect(AdminClient.Reply r, int status) {
        if (r.status() != status) {
            throw new IllegalStateException("expected " + status + ", got " + r.status() + ": " + r.body());
        }
        return r;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String uuid() {
        return UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
    }

    /** A small real profile (one Dock payload); the version goes into its content. */
    private static byte[] profile(String identifier, String uuid, int n, int version) {
        return Profiles.withOnePayload(identifier, uuid, "Bench profile " + n, "com.apple.dock", 16 + version);
    }
}
