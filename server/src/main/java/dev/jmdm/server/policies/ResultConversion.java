package dev.jmdm.server.policies;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upgrade to V30: results stored one row per (policy, host) in policy_results become packed rows, keeping each
 * result's since and remediation state. Runs at start while policy_results has rows, a batch of hosts per
 * transaction that inserts their packed rows and deletes their old rows, so a server stopped half-way resumes where
 * it stopped and the old table ends empty (it stays, unused). Java rather than SQL: the packing is not portable SQL.
 *
 * <p>The first result of a changed result comes from its oldest transition: a first fail or unknown was stored as a
 * transition with no from_result, with its time; a first pass was not, so its time is taken as that of its first
 * change, which is the closest the old rows tell.
 */
final class ResultConversion {
    private static final Logger LOG = LoggerFactory.getLogger(ResultConversion.class);
    static final int HOSTS = 1000;

    private final Jdbi jdbi;

    ResultConversion(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Converts what is left; returns how many hosts it converted. */
    int run() {
        if (jdbi.withHandle(h -> h.createQuery("SELECT host_id FROM policy_results LIMIT 1").mapTo(Long.class).findOne()).isEmpty()) {
            return 0;
        }
        Map<String, Integer> ids = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT name, policy_id FROM policies").map((rs, ctx) -> ids.put(rs.getString(1), rs.getInt(2))).list());
        int hosts = 0;
        while (true) {
            int n = jdbi.inTransaction(h -> batch(h, ids));
            if (n == 0) {
                break;
            }
            hosts += n;
        }
        PolicyCounts.recount(jdbi);
        LOG.info("policies: converted the stored results of {} hosts to packed rows (V30)", hosts);
        return hosts;
    }

    /** One batch: the next hosts' old rows, packed, inserted; their old rows deleted. Returns how many hosts. */
    private int batch(Handle h, Map<String, Integer> ids) {
        List<Long> hostIds = h.createQuery("SELECT DISTINCT host_id FROM policy_results ORDER BY host_id LIMIT :n")
                .bind("n", HOSTS).mapTo(Long.class).list();
        if (hostIds.isEmpty()) {
            return 0;
        }
        long lo = hostIds.get(0);
        long hi = hostIds.get(hostIds.size() - 1);
        Map<Long, Map<String, Object[]>> rows = new LinkedHashMap<>();
        long[] evaluatedAt = new long[1];
        h.createQuery("""
                        SELECT policy, host_id, result, since, remediated_at, remediation_state, seq, evaluated_at FROM policy_results
                        WHERE host_id >= :lo AND host_id <= :hi ORDER BY host_id, policy""")
                .bind("lo", lo).bind("hi", hi)
                .map((rs, ctx) -> {
                    evaluatedAt[0] = Math.max(evaluatedAt[0], rs.getLong(8));
                    return rows.computeIfAbsent(rs.getLong(2), k -> new LinkedHashMap<>()).put(rs.getString(1), new Object[] {
                            rs.getString(3), rs.getLong(4), rs.getObject(5, Long.class), rs.getString(6), rs.getInt(7)});
                }).list();
        // The oldest transition of each (policy, host) in the batch, read per policy by the (policy, host_id, id) index.
        Map<String, Object[]> oldest = new HashMap<>();
        for (String policy : rows.values().stream().flatMap(m -> m.keySet().stream()).distinct().toList()) {
            h.createQuery("""
                            SELECT host_id, from_result, to_result, at FROM policy_transitions
                            WHERE policy = :p AND host_id >= :lo AND host_id <= :hi ORDER BY host_id, id""")
                    .bind("p", policy).bind("lo", lo).bind("hi", hi)
                    .map((rs, ctx) -> oldest.putIfAbsent(policy + "\n" + rs.getLong(1),
                            new Object[] {rs.getString(2), rs.getString(3), rs.getLong(4)}))
                    .list();
        }
        List<Object[]> packed = new ArrayList<>();
        rows.forEach((hostId, byPolicy) -> {
            List<ResultRow> entries = new ArrayList<>();
            byPolicy.forEach((policy, r) -> {
                Integer id = ids.get(policy);
                if (id == null) {
                    return;
                }
                String result = (String) r[0];
                long since = (Long) r[1];
                String firstResult = result;
                long firstAt = since;
                Object[] t = oldest.get(policy + "\n" + hostId);
                if (t != null) {
                    firstResult = t[0] == null ? (String) t[1] : (String) t[0];
                    firstAt = Math.min((Long) t[2], since);
                }
                String state = (String) r[3];
                entries.add(new ResultRow(id, result, since, firstResult, firstAt,
                        ResultRow.RAN.equals(state) || ResultRow.INEFFECTIVE.equals(state) ? state : null, (Long) r[2]));
            });
            packed.add(new Object[] {hostId, PackedResults.encode(entries), 1, evaluatedAt[0]});
        });
        ResultStore.insertRows(h, "INSERT IGNORE INTO host_policy_results (host_id, results, seq, evaluated_at)", packed);
        h.createUpdate("DELETE FROM policy_results WHERE host_id >= :lo AND host_id <= :hi").bind("lo", lo).bind("hi", hi).execute();
        return hostIds.size();
    }
}
