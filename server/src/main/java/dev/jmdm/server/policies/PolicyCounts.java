package dev.jmdm.server.policies;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Hosts passing, failing and unknown per policy (policy_counts), and over all of a host's policies (row
 * {@link #OVERALL}: failing if any fails, else unknown if any is unknown, else passing). Kept by deltas written in
 * the transaction that changes the packed rows, so reading them costs one small query at any fleet size; recounted
 * from the packed rows after every full evaluation and sweep as a safety net.
 */
final class PolicyCounts {
    static final int OVERALL = 0;
    private static final int SCAN = 5000;

    private PolicyCounts() {
    }

    /** Keeps the counts exact when hosts are forgotten or merged (wiring, before the server serves requests). */
    static void followHosts(dev.jmdm.server.storage.HostStore hosts) {
        // A forgotten host's results leave the counts; of two merged hosts, the one whose row is replaced.
        hosts.onForget((h, hostId, now) -> remove(h, hostId));
        hosts.onMerge(PolicyCounts::merging);
    }

    /** Adds to deltas (policy id → passing, failing, unknown) what replacing before with after changes. */
    static void delta(Map<Integer, int[]> deltas, Collection<ResultRow> before, Collection<ResultRow> after) {
        for (ResultRow r : before) {
            deltas.computeIfAbsent(r.policyId(), k -> new int[3])[index(r.result())]--;
        }
        for (ResultRow r : after) {
            deltas.computeIfAbsent(r.policyId(), k -> new int[3])[index(r.result())]++;
        }
        int worstBefore = worst(before);
        int worstAfter = worst(after);
        if (worstBefore != worstAfter) {
            int[] d = deltas.computeIfAbsent(OVERALL, k -> new int[3]);
            if (worstBefore >= 0) {
                d[worstBefore]--;
            }
            if (worstAfter >= 0) {
                d[worstAfter]++;
            }
        }
    }

    /** The index of the host's overall result (0 pass, 1 fail, 2 unknown), -1 with no result. */
    static int worst(Collection<ResultRow> entries) {
        int worst = -1;
        for (ResultRow r : entries) {
            int i = index(r.result());
            if (i == 1) {
                return 1;
            }
            worst = Math.max(worst, i);
        }
        return worst;
    }

    static int index(String result) {
        return switch (result) {
            case ResultRow.PASS -> 0;
            case ResultRow.FAIL -> 1;
            default -> 2;
        };
    }

    /**
     * Applies deltas in policy-id order (two transactions lock count rows in the same order, so they wait for each
     * other rather than deadlock), in one batch. A deleted policy's row is gone: its delta updates nothing.
     */
    static void apply(Handle h, Map<Integer, int[]> deltas) {
        TreeMap<Integer, int[]> sorted = new TreeMap<>(deltas);
        sorted.values().removeIf(d -> d[0] == 0 && d[1] == 0 && d[2] == 0);
        if (sorted.isEmpty()) {
            return;
        }
        var b = h.prepareBatch("UPDATE policy_counts SET hosts_passing = hosts_passing + :a, hosts_failing = hosts_failing + :f, "
                + "hosts_unknown = hosts_unknown + :u WHERE policy_id = :id");
        sorted.forEach((id, d) -> b.bind("a", d[0]).bind("f", d[1]).bind("u", d[2]).bind("id", id).add());
        b.execute();
    }

    /** The current policies' ids. */
    static Set<Integer> liveIds(Handle h) {
        return new HashSet<>(h.createQuery("SELECT policy_id FROM policies").mapTo(Integer.class).list());
    }

    /** Counts by policy id (and {@link #OVERALL}). */
    static Map<Integer, Views.Counts> read(Handle h) {
        Map<Integer, Views.Counts> out = new HashMap<>();
        h.createQuery("SELECT policy_id, hosts_passing, hosts_failing, hosts_unknown FROM policy_counts")
                .map((rs, ctx) -> out.put(rs.getInt(1), new Views.Counts(rs.getInt(2), rs.getInt(3), rs.getInt(4)))).list();
        return out;
    }

    /**
     * Merging host from into host into (HostRows.move): where both have results, from's row replaces into's, so
     * into's results leave the counts. In the caller's transaction, before the rows move.
     */
    static void merging(Handle h, long from, long into) {
        if (h.createQuery("SELECT COUNT(*) FROM host_policy_results WHERE host_id = :h").bind("h", from).mapTo(Integer.class).one() > 0) {
            remove(h, into);
        }
    }

    /** Takes a host's results out of the counts (the host is being forgotten), in the caller's transaction. */
    static void remove(Handle h, long hostId) {
        // Locked first: an evaluation of the host writing now would otherwise change the row after it was counted out.
        h.createQuery("SELECT host_id FROM host_policy_results WHERE host_id = :h FOR UPDATE").bind("h", hostId).mapTo(Long.class).list();
        Set<Integer> live = liveIds(h);
        List<HostResults> row = HostResults.range(h, hostId, hostId, 1, live::contains);
        if (!row.isEmpty()) {
            Map<Integer, int[]> deltas = new HashMap<>();
            delta(deltas, row.get(0).entries().values(), List.of());
            apply(h, deltas);
        }
    }

    /**
     * Counts every row again and stores the counts. The count rows are locked first: an evaluation that changes
     * results updates them before it commits, so it waits until this transaction is done, and its delta then
     * applies on top of exact counts; evaluations that committed before are in what this reads.
     */
    static void recount(Jdbi jdbi) {
        jdbi.useTransaction(h -> {
            List<Integer> ids = h.createQuery("SELECT policy_id FROM policy_counts ORDER BY policy_id FOR UPDATE").mapTo(Integer.class).list();
            Set<Integer> live = liveIds(h);
            Map<Integer, int[]> counts = new HashMap<>();
            ids.forEach(id -> counts.put(id, new int[3]));
            long after = -1;
            while (true) {
                List<HostResults> page = HostResults.range(h, after + 1, Long.MAX_VALUE, SCAN, live::contains);
                for (HostResults r : page) {
                    for (ResultRow e : r.entries().values()) {
                        int[] c = counts.get(e.policyId());
                        if (c != null) {
                            c[index(e.result())]++;
                        }
                    }
                    int w = worst(r.entries().values());
                    if (w >= 0 && counts.containsKey(OVERALL)) {
                        counts.get(OVERALL)[w]++;
                    }
                }
                if (page.size() < SCAN) {
                    break;
                }
                after = page.get(page.size() - 1).hostId();
            }
            var b = h.prepareBatch("UPDATE policy_counts SET hosts_passing = :a, hosts_failing = :f, hosts_unknown = :u WHERE policy_id = :id");
            new TreeMap<>(counts).forEach((id, c) -> b.bind("a", c[0]).bind("f", c[1]).bind("u", c[2]).bind("id", id).add());
            b.execute();
        });
    }
}
