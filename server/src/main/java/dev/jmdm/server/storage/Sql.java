package dev.jmdm.server.storage;

import java.sql.SQLException;
import java.util.Collection;
import java.util.StringJoiner;

/** Small SQL facts shared by the stores. */
public final class Sql {
    private Sql() {
    }

    /** A unique-key violation on MySQL/MariaDB (1062) or H2 (SQLState 23505). */
    public static boolean isDuplicateKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && ("23505".equals(s.getSQLState()) || s.getErrorCode() == 1062
                    || "23000".equals(s.getSQLState()) && s.getMessage() != null && s.getMessage().contains("Duplicate"))) {
                return true;
            }
        }
        return false;
    }

    /** ":p0, :p1, …" for an IN list of n bound parameters named prefix0..n-1. */
    static String placeholders(String prefix, Collection<?> values) {
        StringJoiner j = new StringJoiner(", ");
        for (int i = 0; i < values.size(); i++) {
            j.add(":" + prefix + i);
        }
        return j.toString();
    }
}
