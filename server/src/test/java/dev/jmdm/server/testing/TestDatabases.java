package dev.jmdm.server.testing;

import dev.jmdm.server.config.Settings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Fresh databases for tests on both engines. MySQL/MariaDB comes from
 * {@code MDM_TEST_MYSQL_URL} (default {@code jdbc:mysql://127.0.0.1:3306/?user=root}); each call
 * creates a new database so test classes never see each other's rows. When MySQL is not
 * reachable its tests are skipped, unless {@code MDM_TEST_REQUIRE_MYSQL=true} (as CI sets),
 * which makes them fail instead.
 */
public final class TestDatabases {
    public static final String MYSQL_URL = env("MDM_TEST_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/?user=root");
    public static final boolean REQUIRE_MYSQL = Boolean.parseBoolean(env("MDM_TEST_REQUIRE_MYSQL", "false"));
    private static final String PREFIX = "jmdm_test_";

    private TestDatabases() {
    }

    /** The two engines every storage test runs on. */
    public enum Engine {
        EMBEDDED, MYSQL
    }

    /** A JDBC URL of a new, empty database on the engine. */
    public static String freshUrl(Engine engine) {
        String name = PREFIX + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        if (engine == Engine.EMBEDDED) {
            return "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;" + Settings.EMBEDDED_URL_OPTIONS;
        }
        try (Connection c = DriverManager.getConnection(MYSQL_URL); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        } catch (SQLException e) {
            String why = "MySQL/MariaDB not reachable at " + MYSQL_URL + ": " + e.getMessage();
            if (REQUIRE_MYSQL) {
                Assertions.fail(why + " (MDM_TEST_REQUIRE_MYSQL=true)");
            }
            Assumptions.abort(why + "; set MDM_TEST_MYSQL_URL or start MariaDB to run these tests");
        }
        return withDatabase(MYSQL_URL, name);
    }

    /** Drops a database made by {@link #freshUrl}; embedded ones vanish with their last connection. */
    public static void drop(String url) {
        if (!url.startsWith("jdbc:mysql:")) {
            return;
        }
        String name = url.substring(url.indexOf(PREFIX), url.indexOf('?') > 0 ? url.indexOf('?') : url.length());
        try (Connection c = DriverManager.getConnection(MYSQL_URL); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
        } catch (SQLException e) {
            // Leftover test databases are harmless; CI starts from a fresh server.
        }
    }

    static String withDatabase(String serverUrl, String name) {
        int q = serverUrl.indexOf('?');
        String base = q < 0 ? serverUrl : serverUrl.substring(0, q);
        String params = q < 0 ? "" : serverUrl.substring(q);
        if (!base.endsWith("/")) {
            base = base.substring(0, base.lastIndexOf('/') + 1);
        }
        return base + name.toLowerCase(Locale.ROOT) + params;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            v = System.getProperty(name);
        }
        return v == null || v.isBlank() ? fallback : v;
    }
}
