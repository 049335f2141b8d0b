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
            List<Views.HostResult> page = compliancePage(after, afterPolicy, 5000);
            page.forEach(each);
            if (page.size() < 5000) {
                return;
            }
            Views.HostResult last = page.get(page.size() - 1);
            after = last.hostId();
            afterPolicy = last.policy();
        }
    }

    /**
     * Up to limit host × policy rows after (afterHost, afterPolicy) in (host, policy) order. Read a range of
     * hosts at a time (the next hosts by id, then their results by the host index): a keyset over two
     * columns with OR would make each page scan the table.
     */
    List<Views.HostResult> compliancePage(long afterHost, String afterPolicy, int limit) {
        List<Views.HostResult> out = new ArrayList<>();
        long from = afterHost;
        boolean first = true;
        while (out.size() < limit) {
            long lo = from;
            boolean inclusive = first;
            List<Long> ids = jdbi.withHandle(h -> h.createQuery("SELECT id FROM hosts WHERE id " + (inclusive ? ">=" : ">")
                    + " :a ORDER BY id LIMIT :n").bind("a", lo).bind("n", HOSTS_PER_READ).mapTo(Long.class).list());
            if (ids.isEmpty()) {
                return out;
            }
            long hi = ids.get(ids.size() - 1);
            List<Views.HostResult> rows = jdbi.withHandle(h -> h.createQuery("SELECT " + RESULT_COLUMNS
                            + " FROM policy_results r JOIN hosts h ON h.id = r.host_id WHERE r.host_id >= :lo AND r.host_id <= :hi")
                    .bind("lo", ids.get(0)).bind("hi", hi).map((rs, ctx) -> row(rs)).list());
            rows.sort(java.util.Comparator.comparingLong(Views.HostResult::hostId).thenComparing(Views.HostResult::policy));
            for (Views.HostResult r : rows) {
                if (r.hostId() == afterHost && r.policy().compareTo(afterPolicy) <= 0) {
                    continue;
                }
                out.add(r);
                if (out.size() == limit) {
                    return out;
                }
            }
            from = hi;
            first = false;
        }
        return out;
    }

    /** Hosts read per step of a compliance page: with 50 policies, a few thousand rows. */
    private static final int HOSTS_PER_READ = 100;

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

    /**
     * Writes the missing hourly points of the last 30 days (hours before the history table existed, or
     * while no server ran) from the stored transitions: each (policy, host)'s result at the end of an hour
     * is its last transition before then. A policy's points start at its creation; the current hour is
     * {@link #recordHour}'s. Results that ended without a transition (a host untargeted or forgotten) are not
     * in the log, so a backfilled point may count such a host a little longer than it was targeted. A first
     * pass has no transition: a result still at its first pass (seq 1) counts from its {@code since}; one that
     * changed since counts from its first transition, so its passing hours before that are missing.
     * Returns how many points it wrote.
     */
    int backfill() {
        long nowHour = clock.millis() / HOUR * HOUR;
        long windowStart = nowHour - HISTORY.toMillis();
        Map<String, Long> created = new LinkedHashMap<>();
        Map<String, java.util.Set<Long>> have = new HashMap<>();
        long[] maxHost = new long[1];
        jdbi.useHandle(h -> {
            h.createQuery("SELECT name, created_at FROM policies ORDER BY name")
                    .map((rs, ctx) -> created.put(rs.getString(1), rs.getLong(2))).list();
            h.createQuery("SELECT policy, hour_start FROM compliance_history WHERE hour_start >= :s").bind("s", windowStart)
                    .map((rs, ctx) -> have.computeIfAbsent(rs.getString(1), k -> new java.util.HashSet<>()).add(rs.getLong(2))).list();
            maxHost[0] = Math.max(h.createQuery("SELECT COALESCE(MAX(host_id), 0) FROM policy_transitions").mapTo(Long.class).one(),
                    h.createQuery("SELECT COALESCE(MAX(host_id), 0) FROM policy_results WHERE " + FIRST_PASS).mapTo(Long.class).one());
        });
        if (created.isEmpty()) {
            return 0;
        }
        long first = Math.max(windowStart, created.values().stream().min(Long::compare).orElseThrow() / HOUR * HOUR);
        boolean missing = false;
        for (long hour = first; hour < nowHour && !missing; hour += HOUR) {
            for (Map.Entry<String, Long> e : created.entrySet()) {
                if (e.getValue() < hour + HOUR && !have.getOrDefault(e.getKey(), java.util.Set.of()).contains(hour)) {
                    missing = true;
                }
            }
        }
        if (!missing || maxHost[0] > MAX_BACKFILL_CELLS / created.size()) {
            return 0;
        }
        List<String> names = new ArrayList<>(created.keySet());
        Map<String, Integer> index = new HashMap<>();
        names.forEach(n -> index.put(n, index.size()));
        int hosts = (int) maxHost[0] + 1;
        // Results as bytes per policy and host id (0 none, 1 pass, 2 fail, 3 unknown), and per host how many of its
        // policies are at each result, for the overall point: memory is policies x hosts bytes, bounded above.
        byte[][] result = new byte[names.size()][hosts];
        int[][] perPolicy = new int[names.size()][4];
        short[][] perHost = new short[4][hosts];
        List<Object[]> points = new ArrayList<>();
        // Results still at their first pass, by since: replayed as if they were transitions.
        List<long[]> firstPasses = new ArrayList<>();
        jdbi.useHandle(h -> h.createQuery("SELECT policy, host_id, since FROM policy_results WHERE " + FIRST_PASS + " AND since < :now ORDER BY since")
                .bind("now", nowHour)
                .map((rs, ctx) -> {
                    Integer p = index.get(rs.getString(1));
                    return p == null ? null : firstPasses.add(new long[] {p, rs.getLong(2), rs.getLong(3)});
                }).list());
        int pass = 1 + index("pass");
        int nextPass = 0;
        long[] hour = {first};
        long[] after = {0};
        while (true) {
            List<Object[]> page = jdbi.withHandle(h -> h.createQuery(
                            "SELECT id, policy, host_id, to_result, at FROM policy_transitions WHERE id > :a ORDER BY id LIMIT 10000")
                    .bind("a", after[0])
                    .map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getLong(5)}).list());
            for (Object[] t : page) {
                long at = (Long) t[4];
                for (; nextPass < firstPasses.size() && firstPasses.get(nextPass)[2] <= at; nextPass++) {
                    long[] fp = firstPasses.get(nextPass);
                    replay(fp[2], (int) fp[0], (int) fp[1], pass, hour, nowHour, names, created, have, result, perPolicy, perHost, points);
                }
                Integer p = index.get((String) t[1]);
                replay(at, p == null ? -1 : p, (int) (long) (Long) t[2], 1 + index((String) t[3]), hour, nowHour, names, created, have, result,
                        perPolicy, perHost, points);
            }
            if (page.size() < 10000) {
                break;
            }
            after[0] = (Long) page.get(page.size() - 1)[0];
        }
        for (; nextPass < firstPasses.size(); nextPass++) {
            long[] fp = firstPasses.get(nextPass);
            replay(fp[2], (int) fp[0], (int) fp[1], pass, hour, nowHour, names, created, have, result, perPolicy, perHost, points);
        }
        for (; hour[0] < nowHour; hour[0] += HOUR) {
            emit(hour[0], names, created, have, perPolicy, perHost, points);
        }
        if (!points.isEmpty()) {
            jdbi.useTransaction(h -> {
                var b = h.prepareBatch("INSERT IGNORE INTO compliance_history (hour_start, policy, hosts_passing, hosts_failing, hosts_unknown) "
                        + "VALUES (:h, :p, :a, :f, :u)");
                points.forEach(pt -> b.bind("h", pt[0]).bind("p", pt[1]).bind("a", pt[2]).bind("f", pt[3]).bind("u", pt[4]).add());
                b.execute();
            });
        }
        return points.size();
    }

    /** Stored results never changed from a first pass, which has no transition (see {@link ResultRow#isTransition}). */
    private static final String FIRST_PASS = "result = 'pass' AND seq = 1";

    /** One result change at at (policy index p, -1 for a policy no longer there): emits the hours it closes, then counts it. */
    private static void replay(long at, int p, int host, int now, long[] hour, long nowHour, List<String> names, Map<String, Long> created,
            Map<String, java.util.Set<Long>> have, byte[][] result, int[][] perPolicy, short[][] perHost, List<Object[]> points) {
        while (at >= hour[0] + HOUR && hour[0] < nowHour) {
            emit(hour[0], names, created, have, perPolicy, perHost, points);
            hour[0] += HOUR;
        }
        if (p >= 0) {
            int old = result[p][host];
            result[p][host] = (byte) now;
            perPolicy[p][old]--;
            perPolicy[p][now]++;
            perHost[old][host]--;
            perHost[now][host]++;
        }
    }

    /** Bounds the backfill's memory: policies x host ids, one byte each. */
    static final long MAX_BACKFILL_CELLS = 200_000_000L;

    /** The points of one hour that are missing: each policy existing by then, and the overall one. */
    private static void emit(long hour, List<String> names, Map<String, Long> created, Map<String, java.util.Set<Long>> have,
            int[][] perPolicy, short[][] perHost, List<Object[]> points) {
        if (hour < 0) {
            return;
        }
        boolean any = false;
        for (int p = 0; p < names.size(); p++) {
            String name = names.get(p);
            if (created.get(name) < hour + HOUR) {
                any = true;
                if (!have.getOrDefault(name, java.util.Set.of()).contains(hour)) {
                    points.add(new Object[] {hour, name, perPolicy[p][1], perPolicy[p][2], perPolicy[p][3]});
                }
            }
        }
        if (any && !have.getOrDefault(OVERALL, java.util.Set.of()).contains(hour)) {
            int[] c = new int[3];
            for (int host = 0; host < perHost[0].length; host++) {
                if (perHost[2][host] > 0) {
                    c[1]++;
                } else if (perHost[3][host] > 0) {
                    c[2]++;
                } else if (perHost[1][host] > 0) {
                    c[0]++;
                }
            }
            points.add(new Object[] {hour, OVERALL, c[0], c[1], c[2]});
        }
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
