package dev.jmdm.server.policies;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Hosts' packed results, their transitions, and the event log, written inside the evaluator's transactions. */
final class ResultStore {
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
     * The writes of one evaluation batch, in few statements. Each host's packed row is written guarded: a new row
     * by the primary key ({@code INSERT IGNORE}), a stored one by the seq it was read at. Only the writes that took
     * effect bring their transitions, events, count deltas and follow-ups (a remediation) with them, so two servers
     * evaluating the same host at once store one transition and remediate once.
     *
     * @param <T> what a write brings along when it took effect (the evaluator's pending remediation)
     */
    final class Batch<T> {
        private final List<Write<T>> inserts = new ArrayList<>();
        private final List<Write<T>> updates = new ArrayList<>();
        private final List<Object[]> events = new ArrayList<>();

        /** A host's new row, read at seq readSeq (null: no row), with what it brings when stored. */
        private record Write<T>(long hostId, Integer readSeq, Collection<ResultRow> before, Collection<ResultRow> after,
                List<Object[]> transitions, List<Object[]> events, List<T> followUps) {
        }

        /**
         * Stores after as the host's results (before: what it was decided on, stored was read at readSeq, null if the
         * host had no row). Transitions (rows of {@link #transition}), events (of {@link #eventRow}) and follow-ups are
         * stored or returned only if the write wins.
         */
        void write(long hostId, Integer readSeq, Collection<ResultRow> before, Collection<ResultRow> after, List<Object[]> transitions,
                List<Object[]> rowEvents, List<T> followUps) {
            (readSeq == null ? inserts : updates).add(new Write<>(hostId, readSeq, before, after, transitions, rowEvents, followUps));
        }

        /** A transition row for write. */
        Object[] transition(String policy, long hostId, String from, String to, String reason, Map<String, Object> facts, long at) {
            return new Object[] {policy, hostId, from, to, cut(reason), PolicyStore.write(facts), at};
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
            long now = clock.millis();
            if (!inserts.isEmpty()) {
                insertNew(h, won, now);
            }
            if (!updates.isEmpty()) {
                updates.sort(Comparator.comparingLong(Write::hostId));
                List<Object[]> rows = new ArrayList<>(updates.size());
                for (Write<T> w : updates) {
                    rows.add(new Object[] {PackedResults.encode(w.after()), w.readSeq() + 1, now, w.hostId(), w.readSeq()});
                }
                keep(batchRows(h, "UPDATE host_policy_results SET results = ?, seq = ?, evaluated_at = ? WHERE host_id = ? AND seq = ?", rows),
                        updates, won);
            }
            List<Object[]> transitions = new ArrayList<>();
            List<Object[]> allEvents = new ArrayList<>();
            List<T> followUps = new ArrayList<>();
            Map<Integer, int[]> deltas = new java.util.HashMap<>();
            for (Write<T> w : won) {
                PolicyCounts.delta(deltas, w.before(), w.after());
                transitions.addAll(w.transitions());
                allEvents.addAll(w.events());
                followUps.addAll(w.followUps());
            }
            PolicyCounts.apply(h, deltas);
            insertRows(h, "INSERT INTO policy_transitions (policy, host_id, from_result, to_result, reason, facts, at)", transitions);
            allEvents.addAll(events);
            insertRows(h, "INSERT INTO events (kind, host_id, policy, detail, at)", allEvents);
            return followUps;
        }

        /**
         * New rows, in multi-row statements: when every row went in, every write won, which is the case but for a
         * race. A row that was already there (another server stored it after this batch read) cannot be told apart in
         * a multi-row count, so then those statements are undone and the rows go again one by one, each with its own
         * count. Sorted by host: two servers inserting overlapping rows take their locks in the same order.
         */
        private void insertNew(Handle h, List<Write<T>> won, long now) {
            inserts.sort(Comparator.comparingLong(Write::hostId));
            List<Object[]> rows = new ArrayList<>(inserts.size());
            for (Write<T> w : inserts) {
                rows.add(new Object[] {w.hostId(), PackedResults.encode(w.after()), 1, now});
            }
            h.savepoint(NEW_ROWS);
            if (insertRows(h, "INSERT IGNORE INTO host_policy_results (host_id, results, seq, evaluated_at)", rows) == rows.size()) {
                h.release(NEW_ROWS);
                won.addAll(inserts);
                return;
            }
            h.rollbackToSavepoint(NEW_ROWS);
            // INSERT ... SELECT rather than VALUES: the MySQL driver rewrites a VALUES batch into one statement and
            // then cannot say which rows were ignored; this form goes as one multi-statement round trip with counts.
            keep(batchRows(h, "INSERT IGNORE INTO host_policy_results (host_id, results, seq, evaluated_at) SELECT ?, ?, ?, ? FROM DUAL", rows),
                    inserts, won);
        }

        private static <T> void keep(int[] counts, List<Write<T>> writes, List<Write<T>> won) {
            for (int i = 0; i < writes.size(); i++) {
                // SUCCESS_NO_INFO (-2) is not what these statements answer: both drivers count each row.
                if (counts[i] > 0) {
                    won.add(writes.get(i));
                }
            }
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

    /** Runs sql once per row (one value per parameter) as one JDBC batch; returns each row's count. Plain JDBC, as insertRows. */
    static int[] batchRows(Handle h, String sql, List<Object[]> rows) {
        try (java.sql.PreparedStatement ps = h.getConnection().prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    ps.setObject(i + 1, row[i]);
                }
                ps.addBatch();
            }
            return ps.executeBatch();
        } catch (java.sql.SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
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

    /**
     * A host's stored transitions for one policy from since on (earlier ones are of a policy of the same name that was
     * deleted), oldest first. First results are not among them (they are the packed entry's; rows with no from_result
     * were stored before V30 and are left out, their entry has them).
     */
    List<Views.Transition> transitions(String policy, long hostId, long since) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT from_result, to_result, reason, facts, at FROM policy_transitions
                        WHERE policy = :p AND host_id = :h AND from_result IS NOT NULL AND at >= :s ORDER BY id""")
                .bind("p", policy).bind("h", hostId).bind("s", since)
                .map((rs, ctx) -> new Views.Transition(rs.getString(1), rs.getString(2), rs.getString(3), PolicyStore.read(rs.getString(4)),
                        java.time.Instant.ofEpochMilli(rs.getLong(5)).toString())).list());
    }

    private static String cut(String s) {
        return s.length() > MAX_REASON ? s.substring(0, MAX_REASON - 1) + "…" : s;
    }
}
