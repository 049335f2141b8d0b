package dev.jmdm.sim.bench;

import dev.jmdm.server.MdmServer;
import dev.jmdm.server.config.SettingsParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * How long the console's host list takes at fleet size: N hosts (default 100,000) written straight into the store
 * (hosts and their device channels, as Authenticate leaves them), then each listing the hosts page makes timed over
 * loopback HTTP (so the figure includes the server's whole request, JSON included, and bounds its server time).
 * Prints median and 95th percentile per query. Before each request one host checks in (its device channel's
 * last-seen time and the host row change), as in a live fleet: that also keeps H2 from answering a repeated query
 * from its result cache, which it reuses only while the query's tables are unchanged and which made earlier H2
 * figures of this benchmark look like a few milliseconds for queries that take seconds.
 *
 * <pre>java -cp integration-tests/target/mdm-bench.jar dev.jmdm.sim.bench.HostListBenchmark [hosts] [mysql JDBC URL]</pre>
 */
public final class HostListBenchmark {
    private static final int RUNS = 25;
    private static final String KEY = "host-list-benchmark-key";

    private HostListBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String dsn = args.length > 1 ? args[1] : null;
        Path dir = Files.createTempDirectory("jmdm-hostlist");
        Map<String, String> env = new HashMap<>(Map.of("MDM_LISTEN", "127.0.0.1:0", "MDM_API_KEY", KEY, "MDM_DATA_DIR", dir.resolve("data").toString(),
                "MDM_INVENTORY", "false", "MDM_SECRET_KEY", "host-list-benchmark-secret"));
        if (dsn != null) {
            env.put("MDM_STORAGE", "mysql");
            env.put("MDM_DSN", dsn);
        }
        MdmServer server = MdmServer.start(SettingsParser.parse(new String[0], env), Clock.systemUTC());
        try {
            String jdbc = server.settings().storage().jdbcUrl();
            long t0 = System.nanoTime();
            fill(jdbc, hosts);
            System.out.printf("engine %s, %,d hosts written in %.1f s%n", dsn == null ? "embedded" : "mysql", hosts, (System.nanoTime() - t0) / 1e9);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String auth = "Basic " + Base64.getEncoder().encodeToString(("nanomdm:" + KEY).getBytes(StandardCharsets.UTF_8));
            URI base = server.baseUri();
            Map<String, String> queries = new LinkedHashMap<>();
            queries.put("first page (id)", "/v1/hosts?limit=50");
            queries.put("sort -last_seen", "/v1/hosts?limit=50&sort=-last_seen");
            queries.put("sort serial_number", "/v1/hosts?limit=50&sort=serial_number");
            queries.put("sort device_name", "/v1/hosts?limit=50&sort=device_name");
            queries.put("platform=ios, -last_seen", "/v1/hosts?limit=50&platform=ios&sort=-last_seen");
            queries.put("sort last_seen", "/v1/hosts?limit=50&sort=last_seen");
            queries.put("status=enrolled, -last_seen", "/v1/hosts?limit=50&status=enrolled&sort=-last_seen");
            queries.put("status=enrolled", "/v1/hosts?limit=50&status=enrolled");
            queries.put("os_version=15", "/v1/hosts?limit=50&os_version=15");
            queries.put("q=serial (one match)", "/v1/hosts?limit=50&q=" + serial(hosts / 2));
            queries.put("q=no match", "/v1/hosts?limit=50&q=zzzz-nothing");
            queries.put("q=udid prefix (one match)", "/v1/hosts?limit=50&q=" + String.format("00000000-0000-4000-8000-%012d", hosts / 3).substring(0, 34));
            queries.put("q=name prefix (2/3 match)", "/v1/hosts?limit=50&q=mac-");
            queries.put("q=c0 (every host matches)", "/v1/hosts?limit=50&q=c0");
            queries.put("q=c0, sort serial_number", "/v1/hosts?limit=50&q=c0&sort=serial_number");
            queries.put("policy (no results stored)", "/v1/hosts?limit=50&policy=bench&policy_result=fail");
            queries.put("fleet summary", "/v1/fleet/summary");
            Random pick = new Random(7);
            for (var q : queries.entrySet()) {
                HttpRequest req = HttpRequest.newBuilder(base.resolve(q.getValue())).header("Authorization", auth).timeout(Duration.ofMinutes(2)).build();
                List<Double> ms = new ArrayList<>();
                for (int i = 0; i < RUNS + 3; i++) {
                    checkIn(jdbc, pick.nextInt(hosts));
                    long s = System.nanoTime();
                    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                    double took = (System.nanoTime() - s) / 1e6;
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(q.getValue() + " answered " + r.statusCode() + ": " + r.body());
                    }
                    if (i >= 3) { // the first runs warm the JIT and the caches
                        ms.add(took);
                    }
                }
                Collections.sort(ms);
                System.out.printf("%-28s median %7.1f ms   p95 %7.1f ms%n", q.getKey(), ms.get(ms.size() / 2), ms.get((int) (ms.size() * 0.95) - 1));
            }
        } finally {
            server.close();
        }
    }

    /** What a check-in writes that the host list reads: the channel's last-seen time and the host's updated_at. */
    private static void checkIn(String jdbc, int i) throws Exception {
        String udid = String.format("00000000-0000-4000-8000-%012d", i);
        long now = System.currentTimeMillis();
        try (Connection c = DriverManager.getConnection(jdbc);
                PreparedStatement e = c.prepareStatement("UPDATE enrollments SET last_seen_at = ?, updated_at = ? WHERE id = ?");
                PreparedStatement h = c.prepareStatement("UPDATE hosts SET updated_at = ? WHERE udid = ?")) {
            e.setLong(1, now);
            e.setLong(2, now);
            e.setString(3, udid);
            e.executeUpdate();
            h.setLong(1, now);
            h.setString(2, udid);
            h.executeUpdate();
        }
    }

    static String serial(int i) {
        return String.format("C0%010d", i);
    }

    /** Hosts and their device channels in batches, with spread platforms, OS versions and last-seen times. */
    private static void fill(String jdbc, int hosts) throws Exception {
        Random r = new Random(42);
        long now = System.currentTimeMillis();
        String[] mac = {"15.0", "15.1", "15.2", "14.7", "26.0"};
        String[] ios = {"18.0", "18.1", "18.2", "17.7"};
        try (Connection c = DriverManager.getConnection(jdbc)) {
            c.setAutoCommit(false);
            try (PreparedStatement h = c.prepareStatement("INSERT INTO hosts (udid, serial_number, device_id, platform, product_name, os_version, "
                    + "device_name, enrolled_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                    PreparedStatement e = c.prepareStatement("INSERT INTO enrollments (id, device_id, type, topic, push_magic, token_hex, enabled, "
                            + "token_update_tally, last_seen_at, created_at, updated_at) VALUES (?, ?, 'Device', 'com.apple.mgmt.bench', 'magic', '00', ?, 1, ?, ?, ?)")) {
                for (int i = 0; i < hosts; i++) {
                    String udid = String.format("00000000-0000-4000-8000-%012d", i);
                    boolean isMac = r.nextInt(3) != 0;
                    long seen = now - (long) (r.nextDouble() * r.nextDouble() * 60L * 86_400_000L);
                    h.setString(1, udid);
                    h.setString(2, serial(i));
                    h.setString(3, udid);
                    h.setString(4, isMac ? "macos" : "ios");
                    h.setString(5, isMac ? "Mac14,2" : "iPhone15,2");
                    h.setString(6, isMac ? mac[r.nextInt(mac.length)] : ios[r.nextInt(ios.length)]);
                    h.setString(7, (isMac ? "Mac-" : "iPhone-") + Integer.toString(r.nextInt(1 << 30), 36));
                    h.setLong(8, now - 90L * 86_400_000L);
                    h.setLong(9, now - 90L * 86_400_000L);
                    h.setLong(10, now);
                    h.addBatch();
                    e.setString(1, udid);
                    e.setString(2, udid);
                    e.setBoolean(3, r.nextInt(50) != 0);
                    e.setLong(4, seen);
                    e.setLong(5, now - 90L * 86_400_000L);
                    e.setLong(6, now);
                    e.addBatch();
                    if (i % 2000 == 1999) {
                        h.executeBatch();
                        e.executeBatch();
                        c.commit();
                    }
                }
                h.executeBatch();
                e.executeBatch();
                c.commit();
            }
        }
    }
}
