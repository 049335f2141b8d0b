package dev.jmdm.server.storage;

import java.sql.SQLException;
import java.util.Collection;
import java.util.StringJoiner;

/** Small SQL facts shared by the stores. */
public final class Sql {
    private Sql() {
    }

    /** H2's SQLState for a unique-key violation (its own error code is the same number). */
    static final String H2_DUPLICATE_KEY = "23505";
    /** The SQLState class MySQL/MariaDB report every integrity violation under, duplicates among them. */
    static final String INTEGRITY_VIOLATION = "23000";
    /** MySQL/MariaDB's ER_DUP_ENTRY. */
    static final int MYSQL_DUPLICATE_ENTRY = 1062;

    /**
     * Whether e (or a cause) is a unique-key violation, on either engine: H2's SQLState 23505, or
     * MySQL/MariaDB's error 1062 under SQLState 23000. The one detector every store uses, so the two
     * engines cannot drift apart between stores. A 23000 with no vendor code counts when the message
     * says so (a driver that wraps the error, say in a batch, may drop the code); any other 23000 (a
     * NOT NULL or foreign-key violation) is not a duplicate.
     */
    public static boolean isDuplicateKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && (H2_DUPLICATE_KEY.equals(s.getSQLState()) || s.getErrorCode() == MYSQL_DUPLICATE_ENTRY
                    || INTEGRITY_VIOLATION.equals(s.getSQLState()) && s.getMessage() != null && s.getMessage().contains("Duplicate"))) {
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
