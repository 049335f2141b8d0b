package dev.jmdm.server.policies;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    private final Jdbi jdbi;
    private final Clock clock;
    private final PolicyStore policies;
    private final HostFactsReader reader;

    Reports(Jdbi jdbi, Clock clock, PolicyStore policies, HostFactsReader reader) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.policies = policies;
        this.reader = reader;
    }

    /** Counts by policy name, from policy_counts (one small query at any fleet size). */
    Map<String, Views.Counts> counts() {
        Map<String, Views.Counts> out = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT p.name, c.hosts_passing, c.hosts_failing, c.hosts_unknown FROM policies p
                        JOIN policy_counts c ON c.policy_id = p.policy_id""")
                .map((rs, ctx) -> out.put(rs.getString(1), new Views.Counts(rs.getInt(2), rs.getInt(3), rs.getInt(4)))).list());
        return out;
    }

    /** Filters of a policy's results, as the hosts list has them; null: any. */
    record ResultFilter(String result, String platform, String q) {
    }

    /** Packed rows read per step while filling a page: a rare result reads every host's row, this many at a time. */
    static final int ROWS_PER_READ = 2000;

    /**
     * One policy's results in host id order, filtered, after the cursor host id. The packed rows are read in host id
     * order from the cursor until the page is full, so a filter by a rare result reads up to every host's row
     * (docs/benchmarks.md has the cost). Reasons and facts are the policy's verdict on the page's current facts.
     */
    List<Views.HostResult> results(StoredPolicy policy, ResultFilter f, long after, int limit) {
        return jdbi.withHandle(h -> {
            StringBuilder sql = new StringBuilder("SELECT r.host_id, r.results, r.seq, r.evaluated_at, h.serial_number, h.device_name "
                    + "FROM host_policy_results r JOIN hosts h ON h.id = r.host_id WHERE r.host_id > :c");
            if (f.platform() != null) {
                sql.append(" AND h.platform = :pl");
            }
            if (f.q() != null) {
                sql.append(" AND (h.serial_number LIKE :q ESCAPE '!' OR h.device_name LIKE :q ESCAPE '!' OR h.udid LIKE :q ESCAPE '!')");
            }
            sql.append(" ORDER BY r.host_id LIMIT :n");
            List<Stored> page = new ArrayList<>();
            long cursor = after;
            while (page.size() < limit) {
                Query q = h.createQuery(sql.toString()).bind("c", cursor).bind("n", ROWS_PER_READ);
                if (f.platform() != null) {
                    q.bind("pl", f.platform());
                }
                if (f.q() != null) {
                    q.bind("q", "%" + f.q().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
                }
                List<Stored> rows = q.map((rs, ctx) -> stored(rs, id -> id == policy.id())).list();
                for (Stored r : rows) {
                    ResultRow e = r.results().entries().get(policy.id());
                    if (e != null && (f.result() == null || f.result().equals(e.result())) && page.size() < limit) {
                        page.add(r);
                    }
                }
                if (rows.size() < ROWS_PER_READ) {
                    break;
                }
                cursor = rows.get(rows.size() - 1).results().hostId();
            }
            return views(h, page, List.of(policy));
        });
    }

    /**
     * The hosts the policy has a result for (result null) or that result, in id order: the host list's policy filter.
     * Reads every host's packed row (a few hundred milliseconds at 100,000 hosts, docs/benchmarks.md).
     */
    List<Long> hostIds(String policy, String result) {
        Optional<StoredPolicy> p = policies.find(policy);
        if (p.isEmpty()) {
            return List.of();
        }
        int id = p.get().id();
        List<Long> out = new ArrayList<>();
        long after = -1;
        while (true) {
            long lo = after + 1;
            List<HostResults> page = jdbi.withHandle(h -> HostResults.range(h, lo, Long.MAX_VALUE, 5000, i -> i == id));
            for (HostResults r : page) {
                ResultRow e = r.entries().get(id);
                if (e != null && (result == null || result.equals(e.result()))) {
                    out.add(r.hostId());
                }
            }
            if (page.size() < 5000) {
                return out;
            }
            after = page.get(page.size() - 1).hostId();
        }
    }

    /** A packed row read with its host's names. */
    private record Stored(HostResults results, long evaluatedAt, String serialNumber, String deviceName) {
    }

    private static Stored stored(java.sql.ResultSet rs, java.util.function.IntPredicate known) throws java.sql.SQLException {
        return new Stored(HostResults.of(rs.getLong(1), rs.getBytes(2), rs.getInt(3), known), rs.getLong(4), rs.getString(5), rs.getString(6));
    }

    /**
     * The rows' results for the given policies, in row order then policy name order, with reasons and facts from the
     * policies' verdicts on the hosts' current facts (read in three queries for the whole list). Where that verdict
     * differs from the stored result, the host's evaluation is pending: the stored result is shown, and the reason
     * says so.
     */
    private List<Views.HostResult> views(org.jdbi.v3.core.Handle h, List<Stored> rows, List<StoredPolicy> list) {
        Map<Long, HostSnapshot> facts = new HashMap<>();
        reader.read(h, rows.stream().map(r -> r.results().hostId()).toList()).forEach(s -> facts.put(s.hostId(), s));
        List<StoredPolicy> byName = new ArrayList<>(list);
        byName.sort(java.util.Comparator.comparing(StoredPolicy::name));
        List<Views.HostResult> out = new ArrayList<>();
        for (Stored r : rows) {
            HostSnapshot s = facts.get(r.results().hostId());
            for (StoredPolicy p : byName) {
                ResultRow e = r.results().entries().get(p.id());
                if (e == null) {
                    continue;
                }
                String reason;
                Map<String, Object> shown;
                if (s == null) {
                    reason = "the host's facts could not be read";
                    shown = Map.of();
                } else {
                    dev.jmdm.policies.Verdict v = p.document().check().evaluate(s.facts());
                    reason = v.result().wire().equals(e.result()) ? v.reason()
                            : "evaluation pending: the current facts give " + v.result().wire() + " (" + v.reason() + ")";
                    shown = v.facts();
                }
                out.add(new Views.HostResult(r.results().hostId(), r.serialNumber(), r.deviceName(), p.name(), e.result(), time(e.since()),
                        reason, shown, time(r.evaluatedAt()), e.remediationState() == null && e.remediatedAt() == null ? null
                                : new Views.Remediation(e.remediationState(), e.remediatedAt() == null ? null : time(e.remediatedAt())),
                        null));
            }
        }
        return out;
    }

    /** A host's results for every current policy that applies to it, by policy name, with their entries. */
    List<Map.Entry<Views.HostResult, ResultRow>> ofHost(long hostId) {
        List<StoredPolicy> all = policies.all();
        Map<Integer, StoredPolicy> byId = byId(all);
        return jdbi.withHandle(h -> {
            List<Stored> rows = h.createQuery("SELECT r.host_id, r.results, r.seq, r.evaluated_at, h.serial_number, h.device_name "
                            + "FROM host_policy_results r JOIN hosts h ON h.id = r.host_id WHERE r.host_id = :h")
                    .bind("h", hostId).map((rs, ctx) -> stored(rs, byId::containsKey)).list();
            List<Map.Entry<Views.HostResult, ResultRow>> out = new ArrayList<>();
            Map<String, Integer> ids = new HashMap<>();
            all.forEach(p -> ids.put(p.name(), p.id()));
            for (Views.HostResult r : views(h, rows, all)) {
                out.add(Map.entry(r, rows.get(0).results().entries().get(ids.get(r.policy()))));
            }
            return out;
        });
    }

    private static Map<Integer, StoredPolicy> byId(List<StoredPolicy> all) {
        Map<Integer, StoredPolicy> byId = new HashMap<>();
        all.forEach(p -> byId.put(p.id(), p));
        return byId;
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
     * Up to limit host × policy rows after (afterHost, afterPolicy) in (host, policy name) order: the packed rows of
     * the next hosts, a few at a time, from the cursor's host on.
     */
    List<Views.HostResult> compliancePage(long afterHost, String afterPolicy, int limit) {
        List<StoredPolicy> all = policies.all();
        Map<Integer, StoredPolicy> byId = byId(all);
        List<Views.HostResult> out = new ArrayList<>();
        long from = afterHost;
        boolean first = true;
        while (out.size() < limit) {
            long lo = first ? from : from + 1;
            List<Stored> stored = new ArrayList<>();
            List<Views.HostResult> rows = jdbi.withHandle(h -> {
                stored.addAll(h.createQuery("SELECT r.host_id, r.results, r.seq, r.evaluated_at, h.serial_number, h.device_name "
                                + "FROM host_policy_results r JOIN hosts h ON h.id = r.host_id WHERE r.host_id >= :lo ORDER BY r.host_id LIMIT :n")
                        .bind("lo", lo).bind("n", HOSTS_PER_READ).map((rs, ctx) -> stored(rs, byId::containsKey)).list());
                return views(h, stored, all);
            });
            if (stored.isEmpty()) {
                return out;
            }
            long hi = stored.get(stored.size() - 1).results().hostId();
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

    /** Per host over every policy that applies to it: failing if any fails, else unknown if any is unknown, else passing. */
    Views.Counts overall() {
        return jdbi.withHandle(h -> PolicyCounts.read(h).getOrDefault(PolicyCounts.OVERALL, Views.Counts.NONE));
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
     * in the log, so a backfilled point may count such a host a little longer than it was targeted. First results
     * have no transition row: they come from the packed entries (first result and time), from the hour they were
     * decided in. Returns how many points it wrote.
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
                    h.createQuery("SELECT COALESCE(MAX(host_id), 0) FROM host_policy_results").mapTo(Long.class).one());
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
        // First results (in the packed entries, not in the transitions), replayed as if they were transitions.
        long[] firsts = firsts(names, first, nowHour);
        int nextFirst = 0;
        long[] hour = {first};
        long[] after = {0};
        while (true) {
            List<Object[]> page = jdbi.withHandle(h -> h.createQuery(
                            "SELECT id, policy, host_id, to_result, at FROM policy_transitions WHERE id > :a ORDER BY id LIMIT 10000")
                    .bind("a", after[0])
                    .map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getLong(5)}).list());
            for (Object[] t : page) {
                long at = (Long) t[4];
                for (; nextFirst < firsts.length && firstAt(firsts[nextFirst], first) <= at; nextFirst++) {
                    replayFirst(firsts[nextFirst], first, hour, nowHour, names, created, have, result, perPolicy, perHost, points);
                }
                Integer p = index.get((String) t[1]);
                replay(at, p == null ? -1 : p, (int) (long) (Long) t[2], 1 + PolicyCounts.index((String) t[3]), hour, nowHour, names, created, have, result,
                        perPolicy, perHost, points);
            }
            if (page.size() < 10000) {
                break;
            }
            after[0] = (Long) page.get(page.size() - 1)[0];
        }
        for (; nextFirst < firsts.length; nextFirst++) {
            replayFirst(firsts[nextFirst], first, hour, nowHour, names, created, have, result, perPolicy, perHost, points);
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

    /**
     * Every stored entry's first result before nowHour, as sorted longs: the hour (see below) in bits
     * 53-62, the policy's index in names in 40-52, the host id in 2-39, the result (1 + index) in 0-1. Only the hour
     * is kept of the time: the replay needs a result's state at the end of each hour, and a pair's first result comes
     * before its transitions. Policies past 8,191 or host ids past 2^38 are beyond the backfill's cell bound anyway.
     */
    private long[] firsts(List<String> names, long first, long nowHour) {
        Map<Integer, Integer> index = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT policy_id, name FROM policies").map((rs, ctx) -> {
            int i = names.indexOf(rs.getString(2));
            return i < 0 ? null : index.put(rs.getInt(1), i);
        }).list());
        long[][] out = {new long[1024]};
        int[] n = {0};
        long after = -1;
        while (true) {
            long lo = after + 1;
            List<HostResults> page = jdbi.withHandle(h -> HostResults.range(h, lo, Long.MAX_VALUE, 5000, index::containsKey));
            for (HostResults r : page) {
                for (ResultRow e : r.entries().values()) {
                    if (e.firstAt() >= nowHour) {
                        continue;
                    }
                    // 0: before the window, replayed before every transition; k: the hour first + (k - 1) hours.
                    long hourIndex = e.firstAt() < first ? 0 : 1 + (e.firstAt() - first) / HOUR;
                    if (n[0] == out[0].length) {
                        out[0] = java.util.Arrays.copyOf(out[0], n[0] * 2);
                    }
                    out[0][n[0]++] = hourIndex << 53 | (long) index.get(e.policyId()) << 40 | r.hostId() << 2 | (1 + PolicyCounts.index(e.firstResult()));
                }
            }
            if (page.size() < 5000) {
                break;
            }
            after = page.get(page.size() - 1).hostId();
        }
        long[] sorted = java.util.Arrays.copyOf(out[0], n[0]);
        java.util.Arrays.sort(sorted);
        return sorted;
    }

    private static long firstAt(long packed, long first) {
        long k = packed >>> 53;
        return k == 0 ? Long.MIN_VALUE : first + (k - 1) * HOUR;
    }

    private static void replayFirst(long packed, long first, long[] hour, long nowHour, List<String> names, Map<String, Long> created,
            Map<String, java.util.Set<Long>> have, byte[][] result, int[][] perPolicy, short[][] perHost, List<Object[]> points) {
        replay(firstAt(packed, first), (int) (packed >>> 40 & 0x1fff), (int) (packed >>> 2 & ((1L << 38) - 1)), (int) (packed & 3), hour, nowHour,
                names, created, have, result, perPolicy, perHost, points);
    }

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
