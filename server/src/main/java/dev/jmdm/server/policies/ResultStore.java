package dev.jmdm.server.policies;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
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
     * The writes of one evaluation batch, in few statements. Each result write is guarded: a new row by the
     * primary key ({@code INSERT IGNORE}), a stored one by the seq it was decided on. Only the writes that
     * took effect bring their transition, events and follow-up (a remediation) with them, so two servers
     * evaluating the same host at once store one transition and remediate once.
     *
     * @param <T> what a write brings along when it took effect (the evaluator's pending remediation)
     */
    final class Batch<T> {
        private final List<Write<T>> inserts = new ArrayList<>();
        private final List<Write<T>> updates = new ArrayList<>();
        private final List<Object[]> deletes = new ArrayList<>();
        private final List<Object[]> events = new ArrayList<>();

        /**
         * A result row to store, read at seq readSeq (null: a new row), whether it is a transition, and what
         * it brings when stored.
         */
        private record Write<T>(ResultRow row, Integer readSeq, String from, boolean transition, List<Object[]> events, T followUp) {
        }

        /**
         * Stores after (before: the row it was decided on, null if none). A transition ({@link
         * ResultRow#isTransition}) is stored with it; events and followUp (nullable) are stored or returned
         * only if the write wins.
         */
        void write(ResultRow before, ResultRow after, List<Object[]> rowEvents, T followUp) {
            Write<T> w = new Write<>(after, before == null ? null : before.seq(), before == null ? null : before.result(),
                    ResultRow.isTransition(before, after), rowEvents, followUp);
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
                insertNew(h, won);
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
            List<Object[]> transitions = new ArrayList<>();
            List<Object[]> allEvents = new ArrayList<>();
            List<T> followUps = new ArrayList<>();
            for (Write<T> w : won) {
                ResultRow r = w.row();
                if (w.transition()) {
                    transitions.add(new Object[] {r.policy(), r.hostId(), w.from(), r.result(), cut(r.reason()), r.facts(), r.evaluatedAt()});
                }
                allEvents.addAll(w.events());
                if (w.followUp() != null) {
                    followUps.add(w.followUp());
                }
            }
            insertRows(h, "INSERT INTO policy_transitions (policy, host_id, from_result, to_result, reason, facts, at)", transitions);
            allEvents.addAll(events);
            insertRows(h, "INSERT INTO events (kind, host_id, policy, detail, at)", allEvents);
            return followUps;
        }

        /**
         * New result rows, in multi-row statements: when every row went in, every write won, which is the
         * case but for a race. A row that was already there (another server stored it after this batch read)
         * cannot be told apart in a multi-row count, so then those statements are undone and the rows go
         * again one by one, each with its own count. Sorted by host, then policy: two servers inserting
         * overlapping rows take their locks in the same order, and on H2 (rows stored in insertion order) a
         * host's rows stay together for the range reads by host (policy-major order made a sweep ×2 slower).
         */
        private void insertNew(Handle h, List<Write<T>> won) {
            inserts.sort(Comparator.comparingLong((Write<T> w) -> w.row().hostId()).thenComparing(w -> w.row().policy()));
            List<Object[]> rows = new ArrayList<>(inserts.size());
            for (Write<T> w : inserts) {
                ResultRow r = w.row();
                rows.add(new Object[] {r.policy(), r.hostId(), r.result(), r.since(), cut(r.reason()), r.facts(), r.evaluatedAt(),
                        r.remediatedAt(), r.remediationState(), r.seq()});
            }
            h.savepoint(NEW_ROWS);
            if (insertRows(h, "INSERT IGNORE INTO policy_results (" + COLUMNS + ", seq)", rows) == rows.size()) {
                h.release(NEW_ROWS);
                won.addAll(inserts);
                return;
            }
            h.rollbackToSavepoint(NEW_ROWS);
            // INSERT ... SELECT rather than VALUES: the MySQL driver rewrites a VALUES batch into one statement and
            // then cannot say which rows were ignored; this form goes as one multi-statement round trip with counts.
            var b = h.prepareBatch("INSERT IGNORE INTO policy_results (" + COLUMNS + ", seq) SELECT :p, :h, :r, :since, :reason, "
                    + ":facts, :at, :rem, :state, :seq FROM DUAL");
            inserts.forEach(w -> bindRow(b, w.row()).add());
            keep(b.execute(), inserts, won);
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

    private static final String NEW_ROWS = "new_results";

    /**
     * Rows per multi-row INSERT: a first evaluation writes hundreds of thousands of rows, and one statement per
     * row (a JDBC batch on H2, the server's per-statement work on MariaDB) was most of its cost; 500 rows of up
     * to 10 columns stay far below both engines' limits on parameters and packet size.
     */
    static final int ROWS_PER_INSERT = 500;

    /**
     * Inserts the rows (each one value per column of insertInto) in multi-row statements; returns the rows
     * inserted. Plain JDBC: JDBI would lex each long statement for named parameters and look up an argument
     * factory for each of its thousands of values, which cost more than the database's own work.
     */
    static int insertRows(Handle h, String insertInto, List<Object[]> rows) {
        int inserted = 0;
        String full = null;
        for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
            List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
            String sql = chunk.size() == ROWS_PER_INSERT && full != null ? full : multiRow(insertInto, chunk.get(0).length, chunk.size());
            if (chunk.size() == ROWS_PER_INSERT) {
                full = sql;
            }
            try (java.sql.PreparedStatement ps = h.getConnection().prepareStatement(sql)) {
                int p = 1;
                for (Object[] row : chunk) {
                    for (Object v : row) {
                        ps.setObject(p++, v);
                    }
                }
                inserted += ps.executeUpdate();
            } catch (java.sql.SQLException e) {
                throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
            }
        }
        return inserted;
    }

    private static String multiRow(String insertInto, int columns, int rows) {
        String one = "(" + "?, ".repeat(columns - 1) + "?)";
        StringBuilder sql = new StringBuilder(insertInto.length() + rows * (one.length() + 2)).append(insertInto).append(" VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append(one);
        }
        return sql.toString();
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
