package dev.jmdm.server.policies;

import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Per-host results, their transitions, and the event log, written inside the evaluator's transactions. */
final class ResultStore {
    private static final String COLUMNS = "policy, host_id, result, since, reason, facts, evaluated_at, remediated_at, remediation_state";
    static final int MAX_REASON = 2048;

    private final Jdbi jdbi;
    private final Clock clock;

    ResultStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /** Existing results of these hosts, by host id then policy name. */
    Map<Long, Map<String, ResultRow>> results(Handle h, Collection<Long> hostIds) {
        Map<Long, Map<String, ResultRow>> out = new HashMap<>();
        if (hostIds.isEmpty()) {
            return out;
        }
        h.createQuery("SELECT " + COLUMNS + " FROM policy_results WHERE host_id IN (<ids>)")
                .bindList("ids", hostIds)
                .map((rs, ctx) -> new ResultRow(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        rs.getString(6), rs.getLong(7), rs.getObject(8, Long.class), rs.getString(9)))
                .forEach(r -> out.computeIfAbsent(r.hostId(), k -> new HashMap<>()).put(r.policy(), r));
        return out;
    }

    void upsert(Handle h, ResultRow r) {
        h.createUpdate("INSERT INTO policy_results (" + COLUMNS + ") VALUES (:p, :h, :r, :since, :reason, :facts, :at, :rem, :state) "
                        + "ON DUPLICATE KEY UPDATE result = VALUES(result), since = VALUES(since), reason = VALUES(reason), "
                        + "facts = VALUES(facts), evaluated_at = VALUES(evaluated_at), remediated_at = VALUES(remediated_at), "
                        + "remediation_state = VALUES(remediation_state)")
                .bind("p", r.policy()).bind("h", r.hostId()).bind("r", r.result()).bind("since", r.since())
                .bind("reason", cut(r.reason())).bind("facts", r.facts()).bind("at", r.evaluatedAt())
                .bind("rem", r.remediatedAt()).bind("state", r.remediationState()).execute();
    }

    void delete(Handle h, String policy, long hostId) {
        h.createUpdate("DELETE FROM policy_results WHERE policy = :p AND host_id = :h").bind("p", policy).bind("h", hostId).execute();
    }

    void transition(Handle h, String policy, long hostId, String from, ResultRow to) {
        h.createUpdate("""
                        INSERT INTO policy_transitions (policy, host_id, from_result, to_result, reason, facts, at)
                        VALUES (:p, :h, :from, :to, :reason, :facts, :at)""")
                .bind("p", policy).bind("h", hostId).bind("from", from).bind("to", to.result()).bind("reason", cut(to.reason()))
                .bind("facts", to.facts()).bind("at", to.evaluatedAt()).execute();
    }

    void event(Handle h, String kind, Long hostId, String policy, Map<String, ?> detail) {
        h.createUpdate("INSERT INTO events (kind, host_id, policy, detail, at) VALUES (:k, :h, :p, :d, :at)")
                .bind("k", kind).bind("h", hostId).bind("p", policy).bind("d", detail == null ? null : PolicyStore.write(detail))
                .bind("at", clock.millis()).execute();
    }

    void event(String kind, Long hostId, String policy, Map<String, ?> detail) {
        jdbi.useHandle(h -> event(h, kind, hostId, policy, detail));
    }

    /** A host's transitions for one policy, oldest first. */
    List<Map<String, Object>> transitions(String policy, long hostId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT from_result, to_result, reason, facts, at FROM policy_transitions
                        WHERE policy = :p AND host_id = :h ORDER BY id""")
                .bind("p", policy).bind("h", hostId)
                .map((rs, ctx) -> {
                    Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("from", rs.getString(1));
                    m.put("to", rs.getString(2));
                    m.put("reason", rs.getString(3));
                    m.put("facts", PolicyStore.read(rs.getString(4)));
                    m.put("at", java.time.Instant.ofEpochMilli(rs.getLong(5)).toString());
                    return m;
                }).list());
    }

    private static String cut(String s) {
        return s.length() > MAX_REASON ? s.substring(0, MAX_REASON - 1) + "…" : s;
    }
}
