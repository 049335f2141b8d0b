package dev.jmdm.e2e.fuzz;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the server wrote to its database, so a test can say that a refused request changed nothing.
 *
 * <p>Two views. The <b>write log</b>: on opening, every table the server writes gets row triggers
 * (after INSERT, UPDATE that changes a value, DELETE) that append the table's name and a hash of
 * the row before and after to {@value #LOG}, in the writing transaction (a rolled-back write
 * leaves no entry). {@link #mark()}
 * is one primary-key lookup ({@code MAX(id)}), so it costs the same after 100,000 inputs as after
 * one; {@link #changedSince(long)} names the tables whose rows differ from what they were at a
 * mark (a row deleted and put back as it was cancels out), {@link #writtenSince(long)} the tables
 * written at all. The log is exact per
 * request as long as requests run one at a time (the fuzz does, with the server's timers off):
 * with concurrent writers an id can commit after a later one was read. The <b>fingerprint</b>
 * ({@link #take()}): per table the row count and, per column, how many values are set and the
 * sum of their hashes (CRC32 on MySQL/MariaDB, ORA_HASH on H2), computed by the database; it reads
 * every row (2 ms on a fresh store, 25 ms after 20,000 inputs), so the fuzz takes it only now and
 * then, to prove the log saw every change the fingerprint sees (see {@link FuzzRun}).
 *
 * <p>The triggers are test scaffolding in a throw-away database; they add one insert per written
 * row to the server's transactions.
 */
public final class StoredState implements AutoCloseable {
    static final String LOG = "jmdm_fuzz_writes";

    /**
     * Tables only scheduled jobs write, on their own clock: which server holds which job's lease (renewed every few
     * seconds whatever requests arrive) and the hourly compliance point. No request writes them, so a change there
     * says nothing about an input, and counting it would blame whichever input was in flight.
     */
    private static final java.util.Set<String> SCHEDULER_BOOKKEEPING = java.util.Set.of("job_leases", "policy_leases",
            "compliance_history");

    private final Connection connection;
    private final List<String> tables = new ArrayList<>();
    private final Map<String, String> schemas = new java.util.HashMap<>();
    private final String query;
    private long nanos;
    private long takes;

    public StoredState(String jdbcUrl) {
        try {
            connection = DriverManager.getConnection(jdbcUrl);
            connection.setAutoCommit(true);
            boolean h2 = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("h2");
            String hash = h2 ? "ORA_HASH" : "CRC32";
            List<String> parts = new ArrayList<>();
            try (ResultSet rs = connection.getMetaData().getTables(connection.getCatalog(), null, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    String schema = rs.getString("TABLE_SCHEM");
                    String name = rs.getString("TABLE_NAME");
                    if ((schema == null || !schema.equalsIgnoreCase("INFORMATION_SCHEMA"))
                            && !name.toLowerCase(Locale.ROOT).startsWith("flyway") && !name.equalsIgnoreCase(LOG)
                            && !SCHEDULER_BOOKKEEPING.contains(name.toLowerCase(Locale.ROOT))) {
                        tables.add(name);
                        schemas.put(name, schema);
                    }
                }
            }
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + LOG + " (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, tbl VARCHAR(128) NOT NULL, "
                        + "old_row BIGINT NULL, new_row BIGINT NULL)");
            }
            for (String table : tables) {
                List<String> columns = new ArrayList<>();
                List<String> names = new ArrayList<>();
                try (ResultSet rs = connection.getMetaData().getColumns(connection.getCatalog(), null, table, "%")) {
                    while (rs.next()) {
                        // the table name is a LIKE pattern ('_' matches any character): keep this table's columns only
                        if (!table.equals(rs.getString("TABLE_NAME")) || !java.util.Objects.equals(schemas.get(table), rs.getString("TABLE_SCHEM"))) {
                            continue;
                        }
                        String c = rs.getString("COLUMN_NAME");
                        names.add(c);
                        int type = rs.getInt("DATA_TYPE");
                        boolean bool = type == java.sql.Types.BOOLEAN || type == java.sql.Types.BIT;
                        // H2 hashes no BOOLEAN; a flag is summed as 0/1 instead
                        columns.add(bool ? "COUNT(" + c + "), ':', SUM(CASE WHEN " + c + " THEN 1 ELSE 0 END)"
                                : "COUNT(" + c + "), ':', COALESCE(SUM(" + hash + "(" + c + ")), 0)");
                    }
                }
                String aggregates = String.join(", ':', ", columns);
                parts.add("SELECT '" + table + "', CONCAT(COUNT(*), ':', " + aggregates + ") FROM " + table);
                installTriggers(h2, table, names);
            }
            query = String.join(" UNION ALL ", parts);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the server's database: " + e.getMessage(), e);
        }
        if (tables.isEmpty()) {
            throw new IllegalStateException("no tables found at " + jdbcUrl);
        }
    }

    private void installTriggers(boolean h2, String table, List<String> columns) throws SQLException {
        String t = table.toLowerCase(Locale.ROOT);
        try (Statement s = connection.createStatement()) {
            if (h2) {
                s.execute("CREATE TRIGGER IF NOT EXISTS jmdm_fuzz_" + t + " AFTER INSERT, UPDATE, DELETE ON " + table
                        + " FOR EACH ROW CALL '" + H2Writes.class.getName() + "'");
                return;
            }
            String oldRow = rowHash("OLD", columns);
            String newRow = rowHash("NEW", columns);
            String insert = "INSERT INTO " + LOG + " (tbl, old_row, new_row) VALUES ('" + t + "', ";
            s.execute("DROP TRIGGER IF EXISTS jmdm_fuzz_i_" + t);
            s.execute("CREATE TRIGGER jmdm_fuzz_i_" + t + " AFTER INSERT ON " + table + " FOR EACH ROW " + insert + "NULL, " + newRow + ")");
            s.execute("DROP TRIGGER IF EXISTS jmdm_fuzz_d_" + t);
            s.execute("CREATE TRIGGER jmdm_fuzz_d_" + t + " AFTER DELETE ON " + table + " FOR EACH ROW " + insert + oldRow + ", NULL)");
            // MySQL fires UPDATE triggers for rows matched but left as they were; those changed nothing
            String same = String.join(" AND ", columns.stream().map(c -> "OLD.`" + c + "` <=> NEW.`" + c + "`").toList());
            s.execute("DROP TRIGGER IF EXISTS jmdm_fuzz_u_" + t);
            s.execute("CREATE TRIGGER jmdm_fuzz_u_" + t + " AFTER UPDATE ON " + table + " FOR EACH ROW BEGIN IF NOT (" + same + ") THEN "
                    + insert + oldRow + ", " + newRow + "); END IF; END");
        }
    }

    /** A hash of a whole row as MySQL sees it in a trigger (OLD or NEW), NULLs told apart from values. */
    private static String rowHash(String which, List<String> columns) {
        return "CRC32(CONCAT_WS(',', " + String.join(", ", columns.stream().map(c -> "IFNULL(HEX(" + which + ".`" + c + "`), 'N')").toList()) + "))";
    }

    /** H2's row trigger for the write log (H2 runs Java triggers only). */
    public static final class H2Writes implements org.h2.api.Trigger {
        private String table;

        @Override
        public void init(Connection conn, String schema, String trigger, String table, boolean before, int type) {
            this.table = table.toLowerCase(Locale.ROOT);
        }

        @Override
        public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
            if (oldRow != null && newRow != null && Arrays.deepEquals(oldRow, newRow)) {
                return;
            }
            try (PreparedStatement p = conn.prepareStatement("INSERT INTO " + LOG + " (tbl, old_row, new_row) VALUES (?, ?, ?)")) {
                p.setString(1, table);
                p.setObject(2, oldRow == null ? null : (long) Arrays.deepHashCode(oldRow));
                p.setObject(3, newRow == null ? null : (long) Arrays.deepHashCode(newRow));
                p.executeUpdate();
            }
        }
    }

    /** The write log's position now: one index lookup, however long the log. */
    public long mark() {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + LOG)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the write log: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** The tables written after the mark, in the order first written. */
    public List<String> writtenSince(long mark) {
        List<String> out = new ArrayList<>();
        try (PreparedStatement p = connection.prepareStatement("SELECT tbl, MIN(id) FROM " + LOG + " WHERE id > ? GROUP BY tbl ORDER BY MIN(id)")) {
            p.setLong(1, mark);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the write log: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        return out;
    }

    /**
     * The tables whose rows differ from what they were at the mark: per table, the rows taken away (deleted, or an
     * update's old row) and the rows put in (inserted, or its new row), by a hash of each whole row, must cancel out.
     * A request that deletes a row and puts it back as it was, or changes a value and changes it back, wrote but
     * changed nothing, as the fingerprint would also say.
     */
    public List<String> changedSince(long mark) {
        Map<String, Map<Long, Integer>> net = new LinkedHashMap<>();
        try (PreparedStatement p = connection.prepareStatement("SELECT tbl, old_row, new_row FROM " + LOG + " WHERE id > ? ORDER BY id")) {
            p.setLong(1, mark);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    Map<Long, Integer> rows = net.computeIfAbsent(rs.getString(1), t -> new java.util.HashMap<>());
                    long removed = rs.getLong(2);
                    if (!rs.wasNull()) {
                        rows.merge(removed, -1, Integer::sum);
                    }
                    long added = rs.getLong(3);
                    if (!rs.wasNull()) {
                        rows.merge(added, 1, Integer::sum);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the write log: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        return net.entrySet().stream().filter(e -> e.getValue().values().stream().anyMatch(n -> n != 0)).map(Map.Entry::getKey).toList();
    }

    /**
     * Changes one stored value behind the server's back, as a faulty request would (the self-check that the write
     * log and the fingerprint see such a change): appends {@code x} to the smallest value of a text column. Returns
     * what {@link #restore} needs to undo it.
     */
    public Tampered tamper(String table, String column) {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT MIN(" + column + ") FROM " + table)) {
            String value = rs.next() ? rs.getString(1) : null;
            if (value == null) {
                throw new IllegalStateException(table + "." + column + " holds no value to change");
            }
            Tampered t = new Tampered(table, column, value, value + "x");
            t.set(connection, value, t.changed());
            return t;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change " + table + ": " + e.getMessage(), e);
        }
    }

    public void restore(Tampered t) {
        try {
            t.set(connection, t.changed(), t.value());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot restore " + t.table() + ": " + e.getMessage(), e);
        }
    }

    /** A value {@link #tamper} changed. */
    public record Tampered(String table, String column, String value, String changed) {
        void set(Connection c, String from, String to) throws SQLException {
            try (PreparedStatement p = c.prepareStatement("UPDATE " + table + " SET " + column + " = ? WHERE " + column + " = ?")) {
                p.setString(1, to);
                p.setString(2, from);
                if (p.executeUpdate() == 0) {
                    throw new IllegalStateException("no row of " + table + " holds " + from);
                }
            }
        }
    }

    /** One fingerprint per table. */
    public record Snapshot(Map<String, String> tables) {
        /** The tables whose fingerprint differs from the other snapshot's. */
        public List<String> changedSince(Snapshot before) {
            return tables.keySet().stream().filter(t -> !Objects.equals(tables.get(t), before.tables.get(t))).toList();
        }
    }

    /** The average time a fingerprint has taken, for the run's summary. */
    public double averageMillis() {
        return takes == 0 ? 0 : nanos / 1e6 / takes;
    }

    public Snapshot take() {
        long start = System.nanoTime();
        Map<String, String> out = new LinkedHashMap<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                out.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot fingerprint the server's tables: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        nanos += System.nanoTime() - start;
        takes++;
        return new Snapshot(out);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the server's database may already be gone at the end of a test
        }
    }
}
