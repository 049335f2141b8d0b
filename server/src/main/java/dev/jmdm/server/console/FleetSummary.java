package dev.jmdm.server.console;

import dev.jmdm.server.http.Json;
import io.undertow.server.HttpServerExchange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code GET /v1/fleet/summary}: the dashboard's host counts in one grouped query (by status, platform and OS version,
 * with how many of each group were not seen for 1, 7 and 30 days), so the dashboard never pages through the hosts.
 * Status is the hosts API's: pending (pre-registered, never enrolled), enrolled (its device channel enabled),
 * unenrolled.
 *
 * <p>The counts come from a snapshot (the answer's {@code as_of}): the query reads every host with its device channel,
 * 2-5 s on H2 and about 300 ms on MariaDB at 100,000 hosts, too slow for each dashboard load. A snapshot younger than
 * {@link #FRESH} is served as it is; an older one is still served while one background thread recomputes it; one older
 * than {@link #MAX_AGE} (nobody asked for a while) is recomputed before answering, as is the first.
 */
public final class FleetSummary implements AutoCloseable {
    /** A count under a name (a status, a platform, "macos 15.1"). */
    public record FleetCount(String name, long hosts) {
    }

    /** Enrolled hosts whose device has not checked in for at least a day, a week, a month. */
    public record NotSeen(long days1, long days7, long days30) {
    }

    /** asOf: when the counts were read (ISO-8601); at most {@link #MAX_AGE} before the answer. */
    public record Fleet(long hosts, List<FleetCount> byStatus, List<FleetCount> byPlatform, List<FleetCount> osVersions, NotSeen notSeen,
            String asOf) {
    }

    static final Duration FRESH = Duration.ofSeconds(15);
    static final Duration MAX_AGE = Duration.ofSeconds(30);

    /** OS versions beyond this many (the most common first) are summed as "other". */
    static final int OS_VERSIONS = 12;

    private record Snapshot(Fleet fleet, long at) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final Executor refresher;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final Object computing = new Object();
    private volatile Snapshot snapshot;

    /** @param refresher runs the background recomputation (one at a time) */
    FleetSummary(Jdbi jdbi, Clock clock, Executor refresher) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.refresher = refresher;
    }

    /** A summary with its own daemon thread for the background recomputation, ended by {@link #close}. */
    static FleetSummary withOwnThread(Jdbi jdbi, Clock clock) {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fleet-summary");
            t.setDaemon(true);
            return t;
        });
        return new FleetSummary(jdbi, clock, thread);
    }

    void handle(HttpServerExchange exchange) {
        Json.send(exchange, 200, read());
    }

    Fleet read() {
        Snapshot s = snapshot;
        long now = clock.millis();
        if (s == null || now - s.at() >= MAX_AGE.toMillis()) {
            synchronized (computing) {
                // Requests that waited here take the snapshot the first one computed.
                s = snapshot;
                if (s == null || clock.millis() - s.at() >= MAX_AGE.toMillis()) {
                    s = compute();
                    snapshot = s;
                }
            }
            return s.fleet();
        }
        if (now - s.at() >= FRESH.toMillis() && refreshing.compareAndSet(false, true)) {
            try {
                refresher.execute(() -> {
                    try {
                        synchronized (computing) {
                            snapshot = compute();
                        }
                    } finally {
                        refreshing.set(false);
                    }
                });
            } catch (RejectedExecutionException closed) {
                refreshing.set(false);
            }
        }
        return s.fleet();
    }

    @Override
    public void close() {
        if (refresher instanceof ExecutorService e) {
            e.shutdownNow();
        }
    }

    private Snapshot compute() {
        long now = clock.millis();
        long day = Duration.ofDays(1).toMillis();
        record Row(String status, String platform, String os, long hosts, long d1, long d7, long d30) {
        }
        List<Row> rows = jdbi.withHandle(h -> h.createQuery("""
                SELECT CASE WHEN h.enrolled_at IS NULL THEN 'pending'
                            WHEN e.enabled = TRUE THEN 'enrolled' ELSE 'unenrolled' END AS status,
                       COALESCE(h.platform, 'unknown') AS platform, COALESCE(h.os_version, '') AS os, COUNT(*) AS hosts,
                       SUM(CASE WHEN e.enabled = TRUE AND COALESCE(e.last_seen_at, 0) < :d1 THEN 1 ELSE 0 END) AS d1,
                       SUM(CASE WHEN e.enabled = TRUE AND COALESCE(e.last_seen_at, 0) < :d7 THEN 1 ELSE 0 END) AS d7,
                       SUM(CASE WHEN e.enabled = TRUE AND COALESCE(e.last_seen_at, 0) < :d30 THEN 1 ELSE 0 END) AS d30
                FROM hosts h LEFT JOIN enrollments e ON e.id = h.device_id
                GROUP BY 1, 2, 3""")
                .bind("d1", now - day).bind("d7", now - 7 * day).bind("d30", now - 30 * day)
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                        rs.getLong(7)))
                .list());
        Map<String, Long> status = new TreeMap<>(Map.of("enrolled", 0L, "pending", 0L, "unenrolled", 0L));
        Map<String, Long> platform = new TreeMap<>();
        Map<String, Long> os = new TreeMap<>();
        long total = 0, d1 = 0, d7 = 0, d30 = 0;
        for (Row r : rows) {
            total += r.hosts();
            status.merge(r.status(), r.hosts(), Long::sum);
            platform.merge(r.platform(), r.hosts(), Long::sum);
            if (!r.os().isEmpty()) {
                os.merge(r.platform() + " " + r.os(), r.hosts(), Long::sum);
            }
            d1 += r.d1();
            d7 += r.d7();
            d30 += r.d30();
        }
        List<FleetCount> versions = new ArrayList<>(counts(os));
        versions.sort(Comparator.comparingLong(FleetCount::hosts).reversed().thenComparing(FleetCount::name));
        if (versions.size() > OS_VERSIONS) {
            long rest = versions.subList(OS_VERSIONS, versions.size()).stream().mapToLong(FleetCount::hosts).sum();
            versions = new ArrayList<>(versions.subList(0, OS_VERSIONS));
            versions.add(new FleetCount("other", rest));
        }
        Fleet fleet = new Fleet(total, counts(status), counts(platform), List.copyOf(versions), new NotSeen(d1, d7, d30),
                Instant.ofEpochMilli(now).toString());
        return new Snapshot(fleet, now);
    }

    private static List<FleetCount> counts(Map<String, Long> m) {
        return m.entrySet().stream().map(e -> new FleetCount(e.getKey(), e.getValue())).toList();
    }
}
