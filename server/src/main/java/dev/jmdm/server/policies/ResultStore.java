package dev.jmdm.server.policies;

import java.time.Clock;
import java.util.ArrayList;
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

    /**
     * Existing results of these hosts, by host id then policy name. Without reasons (a sweep), a row's
     * reason is null: the sweep re-decides reasons only for results it finds changed.
     */
    Map<Long, Map<String, ResultRow>> results(Handle h, Collection<Long> hostIds, boolean reasons) {
        Map<Long, Map<String, ResultRow>> out = new HashMap<>();
        if (hostIds.isEmpty()) {
            return out;
        }
        // Without facts: the reason names every deciding value, so comparing reasons finds changes.
        String where = hostIds.size() == 1 ? "host_id = :lo" : "host_id >= :lo AND host_id <= :hi";
        java.util.Set<Long> wanted = new java.util.HashSet<>(hostIds);
        long lo = java.util.Collections.min(hostIds);
        long hi = java.util.Collections.max(hostIds);
        // A range, not an IN list: the batches of a full evaluation are consecutive ids, and one range scan of
        // the host index costs far less than a thousand probes.
        h.createQuery("SELECT policy, host_id, result, since, " + (reasons ? "reason" : "NULL")
                        + ", evaluated_at, remediated_at, remediation_state, seq FROM policy_results WHERE " + where)
                .bind("lo", lo).bind("hi", hi)
                .map((rs, ctx) -> new ResultRow(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                        null, rs.getLong(6), rs.getObject(7, Long.class), rs.getString(8), rs.getInt(9)))
                .forEach(r -> {
                    if (wanted.contains(r.hostId())) {
                        out.computeIfAbsent(r.hostId(), k -> new HashMap<>()).put(r.policy(), r);
                    }
                });
        return out;
    }

    /**
     * The writes of one evaluation batch, sent as JDBC batches. Each result write is guarded: a new row by
     * the primary key ({@code INSERT IGNORE}), a stored one by the seq it was decided on. Only the writes
     * that took effect bring their transition, events and follow-up (a remediation) with them, so two
     * servers evaluating the same host at once store one transition and remediate once.
     *
     * @param <T> what a write brings along when it took effect (the evaluator's pending remediation)
     */
    final class Batch<T> {
        private final List<Write<T>> inserts = new ArrayList<>();
        private final List<Write<T>> updates = new ArrayList<>();
        private final List<Object[]> deletes = new ArrayList<>();
        private final List<Object[]> events = new ArrayList<>();

        /** A result row to store, read at seq readSeq (null: a new row), with what it brings when stored. */
        private record Write<T>(ResultRow row, Integer readSeq, String from, List<Object[]> events, T followUp) {
        }

        /**
         * Stores after (before: the row it was decided on, null if none). A changed result brings its
         * transition; events and followUp (nullable) are stored or returned only if the write wins.
         */
        void write(ResultRow before, ResultRow after, List<Object[]> rowEvents, T followUp) {
            Write<T> w = new Write<>(after, before == null ? null : before.seq(), before == null ? null : before.result(), rowEvents, followUp);
            (before == null ? inserts : updates).add(w);
        }

        void delete(String policy, long hostId) {
            deletes.add(new Object[] {policy, hostId});
        }

        /** An event row for write or event. */
        Object[] eventRow(String kind, Long hostId, String policy, Map<String, ?> detail) {
            return new Object[] {kind, hostId, policy, detail == null ? null : PolicyStore.write(detail), clock.millis()};
        }

        void event(String kind, Long hostId, String policy, Map<String, ?> detail) {
            events.add(eventRow(kind, hostId, policy, detail));
        }

        /** Runs the writes; returns the follow-ups of those that took effect. */
        List<T> flush(Handle h) {
            List<Write<T>> won = new ArrayList<>();
            if (!inserts.isEmpty()) {
                // INSERT ... SELECT rather than VALUES: the MySQL driver rewrites a VALUES batch into one statement and
                // then cannot say which rows were ignored; this form goes as one multi-statement round trip with counts.
                var b = h.prepareBatch("INSERT IGNORE INTO policy_results (" + COLUMNS + ", seq) SELECT :p, :h, :r, :since, :reason, "
                        + ":facts, :at, :rem, :state, :seq FROM DUAL");
                inserts.forEach(w -> bindRow(b, w.row()).add());
                keep(b.execute(), inserts, won);
            }
            if (!updates.isEmpty()) {
                var b = h.prepareBatch("UPDATE policy_results SET result = :r, since = :since, reason = :reason, facts = :facts, "
                        + "evaluated_at = :at, remediated_at = :rem, remediation_state = :state, seq = :seq "
                        + "WHERE policy = :p AND host_id = :h AND seq = :read");
                updates.forEach(w -> bindRow(b, w.row()).bind("read", w.readSeq()).add());
                keep(b.execute(), updates, won);
            }
            if (!deletes.isEmpty()) {
                var b = h.prepareBatch("DELETE FROM policy_results WHERE policy = :p AND host_id = :h");
                deletes.forEach(d -> b.bind("p", d[0]).bind("h", d[1]).add());
                b.execute();
            }
            List<Object[]> allEvents = new ArrayList<>();
            List<T> followUps = new ArrayList<>();
            var transitions = h.prepareBatch("""
                    INSERT INTO policy_transitions (policy, host_id, from_result, to_result, reason, facts, at)
                    VALUES (:p, :h, :from, :to, :reason, :facts, :at)""");
            int nTransitions = 0;
            for (Write<T> w : won) {
                ResultRow r = w.row();
                if (w.readSeq() == null || r.seq() != w.readSeq()) {
                    transitions.bind("p", r.policy()).bind("h", r.hostId()).bind("from", w.from()).bind("to", r.result())
                            .bind("reason", cut(r.reason())).bind("facts", r.facts()).bind("at", r.evaluatedAt()).add();
                    nTransitions++;
                }
                allEvents.addAll(w.events());
                if (w.followUp() != null) {
                    followUps.add(w.followUp());
                }
            }
            if (nTransitions > 0) {
                transitions.execute();
            }
            allEvents.addAll(events);
            if (!allEvents.isEmpty()) {
                var b = h.prepareBatch("INSERT INTO events (kind, host_id, policy, detail, at) VALUES (:k, :h, :p, :d, :at)");
                allEvents.forEach(e -> b.bind("k", e[0]).bind("h", e[1]).bind("p", e[2]).bind("d", e[3]).bind("at", e[4]).add());
                b.execute();
            }
            return followUps;
        }

        private static <T> void keep(int[] counts, List<Write<T>> writes, List<Write<T>> won) {
            for (int i = 0; i < writes.size(); i++) {
                if (counts[i] > 0) {
                    won.add(writes.get(i));
                }
            }
        }

        private static org.jdbi.v3.core.statement.PreparedBatch bindRow(org.jdbi.v3.core.statement.PreparedBatch b, ResultRow r) {
            return b.bind("p", r.policy()).bind("h", r.hostId()).bind("r", r.result()).bind("since", r.since())
                    .bind("reason", cut(r.reason())).bind("facts", r.facts()).bind("at", r.evaluatedAt())
                    .bind("rem", r.remediatedAt()).bind("state", r.remediationState()).bind("seq", r.seq());
        }
    }

    <T> Batch<T> batch() {
        return new Batch<>();
    }

    /** One event outside an evaluation (a policy saved or deleted, a remediation's outcome). */
    void event(String kind, Long hostId, String policy, Map<String, ?> detail) {
        Batch<Void> b = new Batch<>();
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
