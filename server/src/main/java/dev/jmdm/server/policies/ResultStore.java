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
        // Without facts: the reason names every deciding value, so comparing reasons finds changes.
        h.createQuery("SELECT policy, host_id, result, since, reason, evaluated_at, remediated_at, remediation_state "
                        + "FROM policy_results WHERE host_id IN (<ids>)")
                .bindList("ids", hostIds)
                .map((rs, ctx) -> new ResultRow(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        null, rs.getLong(6), rs.getObject(7, Long.class), rs.getString(8)))
                .forEach(r -> out.computeIfAbsent(r.hostId(), k -> new HashMap<>()).put(r.policy(), r));
        return out;
    }

    /** The writes of one evaluation batch, sent as JDBC batches (one round trip per kind on MySQL). */
    final class Batch {
        private final List<ResultRow> upserts = new java.util.ArrayList<>();
        private final List<Object[]> deletes = new java.util.ArrayList<>();
        private final List<Object[]> transitions = new java.util.ArrayList<>();
        private final List<Object[]> events = new java.util.ArrayList<>();

        void upsert(ResultRow r) {
            upserts.add(r);
        }

        void delete(String policy, long hostId) {
            deletes.add(new Object[] {policy, hostId});
        }

        void transition(String policy, long hostId, String from, ResultRow to) {
            transitions.add(new Object[] {policy, hostId, from, to.result(), cut(to.reason()), to.facts(), to.evaluatedAt()});
        }

        void event(String kind, Long hostId, String policy, Map<String, ?> detail) {
            events.add(new Object[] {kind, hostId, policy, detail == null ? null : PolicyStore.write(detail), clock.millis()});
        }

        void flush(Handle h) {
            if (!upserts.isEmpty()) {
                var b = h.prepareBatch("INSERT INTO policy_results (" + COLUMNS + ") VALUES (:p, :h, :r, :since, :reason, :facts, :at, :rem, :state) "
                        + "ON DUPLICATE KEY UPDATE result = VALUES(result), since = VALUES(since), reason = VALUES(reason), "
                        + "facts = VALUES(facts), evaluated_at = VALUES(evaluated_at), remediated_at = VALUES(remediated_at), "
                        + "remediation_state = VALUES(remediation_state)");
                for (ResultRow r : upserts) {
                    b.bind("p", r.policy()).bind("h", r.hostId()).bind("r", r.result()).bind("since", r.since())
                            .bind("reason", cut(r.reason())).bind("facts", r.facts()).bind("at", r.evaluatedAt())
                            .bind("rem", r.remediatedAt()).bind("state", r.remediationState()).add();
                }
                b.execute();
            }
            if (!deletes.isEmpty()) {
                var b = h.prepareBatch("DELETE FROM policy_results WHERE policy = :p AND host_id = :h");
                deletes.forEach(d -> b.bind("p", d[0]).bind("h", d[1]).add());
                b.execute();
            }
            if (!transitions.isEmpty()) {
                var b = h.prepareBatch("""
                        INSERT INTO policy_transitions (policy, host_id, from_result, to_result, reason, facts, at)
                        VALUES (:p, :h, :from, :to, :reason, :facts, :at)""");
                transitions.forEach(t -> b.bind("p", t[0]).bind("h", t[1]).bind("from", t[2]).bind("to", t[3]).bind("reason", t[4])
                        .bind("facts", t[5]).bind("at", t[6]).add());
                b.execute();
            }
            if (!events.isEmpty()) {
                var b = h.prepareBatch("INSERT INTO events (kind, host_id, policy, detail, at) VALUES (:k, :h, :p, :d, :at)");
                events.forEach(e -> b.bind("k", e[0]).bind("h", e[1]).bind("p", e[2]).bind("d", e[3]).bind("at", e[4]).add());
                b.execute();
            }
        }
    }

    Batch batch() {
        return new Batch();
    }

    /** One event outside an evaluation (a policy saved or deleted, a remediation's outcome). */
    void event(String kind, Long hostId, String policy, Map<String, ?> detail) {
        Batch b = new Batch();
        b.event(kind, hostId, policy, detail);
        jdbi.useHandle(b::flush);
    }

    /** A host's transitions for one policy, oldest first. */
    List<Views.Transition> transitions(String policy, long hostId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT from_result, to_result, reason, facts, at FROM policy_transitions
                        WHERE policy = :p AND host_id = :h ORDER BY id""")
                .bind("p", policy).bind("h", hostId)
                .map((rs, ctx) -> new Views.Transition(rs.getString(1), rs.getString(2), rs.getString(3), PolicyStore.read(rs.getString(4)),
                        java.time.Instant.ofEpochMilli(rs.getLong(5)).toString())).list());
    }

    private static String cut(String s) {
        return s.length() > MAX_REASON ? s.substring(0, MAX_REASON - 1) + "…" : s;
    }
}
