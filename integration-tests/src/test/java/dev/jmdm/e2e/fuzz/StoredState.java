package dev.jmdm.e2e.fuzz;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A fingerprint of every table the server writes, computed by its database, so a test can say that
 * a refused request changed nothing. Per table: the row count and, per column, how many values are
 * set and the sum of their hashes (CRC32 on MySQL/MariaDB, ORA_HASH on H2). One query for all
 * tables, cheap enough to run after every fuzz input; it names the tables that changed.
 */
public final class StoredState implements AutoCloseable {
    private final Connection connection;
    private final List<String> tables = new ArrayList<>();
    private final String query;
    private long nanos;
    private long takes;

    public StoredState(String jdbcUrl) {
        try {
            connection = DriverManager.getConnection(jdbcUrl);
            connection.setAutoCommit(true);
            String hash = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("h2") ? "ORA_HASH" : "CRC32";
            List<String> parts = new ArrayList<>();
            try (ResultSet rs = connection.getMetaData().getTables(connection.getCatalog(), null, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    String schema = rs.getString("TABLE_SCHEM");
                    String name = rs.getString("TABLE_NAME");
                    if ((schema == null || !schema.equalsIgnoreCase("INFORMATION_SCHEMA"))
                            && !name.toLowerCase(Locale.ROOT).startsWith("flyway")) {
                        tables.add(name);
                    }
                }
            }
            for (String table : tables) {
                List<String> columns = new ArrayList<>();
                try (ResultSet rs = connection.getMetaData().getColumns(connection.getCatalog(), null, table, "%")) {
                    while (rs.next()) {
                        String c = rs.getString("COLUMN_NAME");
                        int type = rs.getInt("DATA_TYPE");
                        boolean bool = type == java.sql.Types.BOOLEAN || type == java.sql.Types.BIT;
                        // H2 hashes no BOOLEAN; a flag is summed as 0/1 instead
                        columns.add(bool ? "COUNT(" + c + "), ':', SUM(CASE WHEN " + c + " THEN 1 ELSE 0 END)"
                                : "COUNT(" + c + "), ':', COALESCE(SUM(" + hash + "(" + c + ")), 0)");
                    }
                }
                String aggregates = String.join(", ':', ", columns);
                parts.add("SELECT '" + table + "', CONCAT(COUNT(*), ':', " + aggregates + ") FROM " + table);
            }
            query = String.join(" UNION ALL ", parts);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the server's database: " + e.getMessage(), e);
        }
        if (tables.isEmpty()) {
            throw new IllegalStateException("no tables found at " + jdbcUrl);
        }
    }

    /** One fingerprint per table. */
    public record Snapshot(Map<String, String> tables) {
        /** The tables whose fingerprint differs from the other snapshot's. */
        public List<String> changedSince(Snapshot before) {
            return tables.keySet().stream().filter(t -> !Objects.equals(tables.get(t), before.tables.get(t))).toList();
        }
    }

    /** The average time a snapshot has taken, for the run's summary. */
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
