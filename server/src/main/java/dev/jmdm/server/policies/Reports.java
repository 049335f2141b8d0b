package dev.jmdm.server.policies;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Read side of compliance: per-policy counts, paged results, the host × policy report, the summary
 * with its hourly history, and the event log. All queries, no writes except the hourly history point.
 */
final class Reports {
    static final String OVERALL = "*";
    static final Duration HISTORY = Duration.ofDays(30);
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final String RESULT_COLUMNS = "r.policy, r.host_id, h.serial_number, h.device_name, r.result, r.since, r.reason, "
            + "r.facts, r.evaluated_at, r.remediated_at, r.remediation_state";

    private final Jdbi jdbi;
    private final Clock clock;

    Reports(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    Map<String, Views.Counts> counts() {
        Map<String, int[]> raw = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT policy, result, COUNT(*) FROM policy_results GROUP BY policy, result")
                .map((rs, ctx) -> {
                    int[] c = raw.computeIfAbsent(rs.getString(1), k -> new int[3]);
                    c[index(rs.getString(2))] += rs.getInt(3);
                    return 0;
                }).list());
        Map<String, Views.Counts> out = new HashMap<>();
        raw.forEach((k, c) -> out.put(k, new Views.Counts(c[0], c[1], c[2])));
        return out;
    }

    private static int index(String result) {
        return switch (result) {
            case "pass" -> 0;
            case "fail" -> 1;
            default -> 2;
        };
    }

    /** Filters of a policy's results, as the hosts list has them; null: any. */
    record ResultFilter(String result, String platform, String q) {
    }

    /** One policy's results in host id order, filtered, after the cursor host id. */
    List<Views.HostResult> results(String policy, ResultFilter f, long after, int limit) {
        return jdbi.withHandle(h -> {
            StringBuilder sql = new StringBuilder("SELECT " + RESULT_COLUMNS + " FROM policy_results r JOIN hosts h ON h.id = r.host_id "
                    + "WHERE r.policy = :p AND r.host_id > :c");
            if (f.result() != null) {
                sql.append(" AND r.result = :r");
            }
            if (f.platform() != null) {
                sql.append(" AND h.platform = :pl");
            }
            if (f.q() != null) {
                sql.append(" AND (h.serial_number LIKE :q ESCAPE '!' OR h.device_name LIKE :q ESCAPE '!' OR h.udid LIKE :q ESCAPE '!')");
            }
            Query q = h.createQuery(sql.append(" ORDER BY r.host_id LIMIT :n").toString()).bind("p", policy).bind("c", after).bind("n", limit);
            if (f.result() != null) {
                q.bind("r", f.result());
            }
            if (f.platform() != null) {
                q.bind("pl", f.platform());
            }
            if (f.q() != null) {
                q.bind("q", "%" + f.q().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
            }
            return q.map((rs, ctx) -> row(rs)).list();
        });
    }

    List<Views.HostResult> ofHost(long hostId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + RESULT_COLUMNS + " FROM policy_results r JOIN hosts h ON h.id = r.host_id "
                        + "WHERE r.host_id = :h ORDER BY r.policy")
                .bind("h", hostId).map((rs, ctx) -> row(rs)).list());
    }

    /** Every host × policy row in (host, policy) order, streamed to the consumer a page at a time. */
    void compliance(Consumer<Views.HostResult> each) {
        long after = 0;
        String afterPolicy = "";
        while (true) {
            long a = after;
            String ap = afterPolicy;
            List<Views.HostResult> page = jdbi.withHandle(h -> h.createQuery("SELECT " + RESULT_COLUMNS
                            + " FROM policy_results r JOIN hosts h ON h.id = r.host_id"
                            + " WHERE r.host_id > :a OR (r.host_id = :a AND r.policy > :p) ORDER BY r.host_id, r.policy LIMIT 5000")
                    .bind("a", a).bind("p", ap).map((rs, ctx) -> row(rs)).list());
            page.forEach(each);
            if (page.size() < 5000) {
                return;
            }
            Views.HostResult last = page.get(page.size() - 1);
            after = last.hostId();
            afterPolicy = last.policy();
        }
    }

    private static Views.HostResult row(java.sql.ResultSet rs) throws java.sql.SQLException {
        Long remediatedAt = rs.getObject(10, Long.class);
        String state = rs.getString(11);
        return new Views.HostResult(rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(1), rs.getString(5),
                time(rs.getLong(6)), rs.getString(7), PolicyStore.read(rs.getString(8)), time(rs.getLong(9)),
                remediatedAt == null && state == null ? null : new Views.Remediation(state, remediatedAt == null ? null : time(remediatedAt)),
                null);
    }

    /** Per host over every policy that applies to it: failing if any fails, else unknown if any is unknown, else passing. */
    Views.Counts overall() {
        return jdbi.withHandle(h -> {
            int[] c = new int[3];
            h.createQuery("""
                            SELECT worst, COUNT(*) FROM (SELECT host_id, MAX(CASE result WHEN 'fail' THEN 2 WHEN 'unknown' THEN 1 ELSE 0 END) AS worst
                            FROM policy_results GROUP BY host_id) w GROUP BY worst""")
                    .map((rs, ctx) -> c[rs.getInt(1) == 0 ? 0 : rs.getInt(1) == 2 ? 1 : 2] = rs.getInt(2)).list();
            return new Views.Counts(c[0], c[1], c[2]);
        });
    }

    /** Writes this hour's point of every policy and the overall one (a later write in the same hour replaces it). */
    void recordHour() {
        long hour = clock.millis() / HOUR * HOUR;
        Map<String, Views.Counts> all = new LinkedHashMap<>(counts());
        all.put(OVERALL, overall());
        jdbi.useTransaction(h -> {
            for (Map.Entry<String, Views.Counts> e : all.entrySet()) {
                h.createUpdate("""
                                INSERT INTO compliance_history (hour_start, policy, hosts_passing, hosts_failing, hosts_unknown) VALUES (:h, :p, :a, :f, :u)
                                ON DUPLICATE KEY UPDATE hosts_passing = VALUES(hosts_passing), hosts_failing = VALUES(hosts_failing),
                                  hosts_unknown = VALUES(hosts_unknown)""")
                        .bind("h", hour).bind("p", e.getKey()).bind("a", e.getValue().passing()).bind("f", e.getValue().failing())
                        .bind("u", e.getValue().unknown()).execute();
            }
            h.createUpdate("DELETE FROM compliance_history WHERE hour_start < :old").bind("old", hour - HISTORY.toMillis()).execute();
        });
    }

    /** The last 30 days, one point per hour that has one, per policy ("*": overall). */
    Map<String, List<Views.HistoryPoint>> history() {
        long since = clock.millis() - HISTORY.toMillis();
        Map<String, List<Views.HistoryPoint>> out = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT policy, hour_start, hosts_passing, hosts_failing, hosts_unknown FROM compliance_history
                        WHERE hour_start >= :s ORDER BY policy, hour_start""")
                .bind("s", since)
                .map((rs, ctx) -> {
                    Views.Counts c = new Views.Counts(rs.getInt(3), rs.getInt(4), rs.getInt(5));
                    return out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new Views.HistoryPoint(time(rs.getLong(2)), c.passing(), c.failing(), c.unknown(), c.percentPassing()));
                }).list());
        return out;
    }

    /** Events newest first, before the cursor id, filtered by kind, host and policy. */
    List<Views.Event> events(String kind, Long hostId, String policy, long before, int limit) {
        return jdbi.withHandle(h -> {
            StringBuilder sql = new StringBuilder("SELECT id, kind, host_id, policy, at, detail FROM events WHERE id < :b");
            if (kind != null) {
                sql.append(" AND kind = :k");
            }
            if (hostId != null) {
                sql.append(" AND host_id = :h");
            }
            if (policy != null) {
                sql.append(" AND policy = :p");
            }
            Query q = h.createQuery(sql.append(" ORDER BY id DESC LIMIT :n").toString()).bind("b", before).bind("n", limit);
            if (kind != null) {
                q.bind("k", kind);
            }
            if (hostId != null) {
                q.bind("h", hostId);
            }
            if (policy != null) {
                q.bind("p", policy);
            }
            return q.map((rs, ctx) -> new Views.Event(rs.getLong(1), rs.getString(2), rs.getObject(3, Long.class), rs.getString(4),
                    time(rs.getLong(5)), rs.getString(6) == null ? null : PolicyStore.read(rs.getString(6)))).list();
        });
    }

    static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
