package dev.jmdm.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.jmdm.migrations.SchemaMigrator;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/** A pooled connection to the store, migrated to the newest schema on open. */
public final class Database implements AutoCloseable {
    /** Connections in the pool by default (MDM_DB_POOL). */
    public static final int DEFAULT_POOL_SIZE = dev.jmdm.server.config.Capacity.DEFAULT_DB_POOL;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final String schemaVersion;
    private final boolean embedded;

    private Database(HikariDataSource dataSource, boolean embedded) {
        this.dataSource = dataSource;
        this.embedded = embedded;
        this.schemaVersion = SchemaMigrator.migrate(dataSource);
        this.jdbi = Jdbi.create(dataSource);
    }

    /**
     * Opens the database at a JDBC URL (jdbc:mysql:… or jdbc:h2:…) and applies migrations.
     * Fails with the driver's message when the database cannot be reached.
     */
    public static Database open(String jdbcUrl, int poolSize) {
        return open(jdbcUrl, poolSize, null);
    }

    /** The same, reporting pool use (connection wait time, pending requests) to the tracker; null reports nothing. */
    public static Database open(String jdbcUrl, int poolSize, com.zaxxer.hikari.metrics.MetricsTrackerFactory metrics) {
        HikariConfig config = new HikariConfig();
        if (metrics != null) {
            config.setMetricsTrackerFactory(metrics);
        }
        config.setJdbcUrl(withDefaults(jdbcUrl));
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        config.setPoolName("mdm-store");
        boolean embedded = jdbcUrl.startsWith("jdbc:h2:");
        if (!embedded) {
            config.addDataSourceProperty("cachePrepStmts", "true");
            config.addDataSourceProperty("prepStmtCacheSize", "250");
            config.addDataSourceProperty("useServerPrepStmts", "true");
            config.addDataSourceProperty("rewriteBatchedStatements", "true");
        }
        HikariDataSource ds = new HikariDataSource(config);
        try {
            return new Database(ds, embedded);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    private static String withDefaults(String url) {
        // The store keeps UTC epoch millis, but the driver still needs to know how to talk; these
        // keep MySQL 8 and MariaDB alike and avoid the SSL warning on local sockets.
        if (url.startsWith("jdbc:mysql:") && !url.contains("allowPublicKeyRetrieval")) {
            return url + (url.contains("?") ? "&" : "?") + "allowPublicKeyRetrieval=true";
        }
        return url;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public boolean embedded() {
        return embedded;
    }

    public String schemaVersion() {
        return schemaVersion;
    }

    /** True when a connection answers within the timeout; for /readyz. */
    public boolean ping(Duration timeout) {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid((int) Math.max(1, timeout.toSeconds()));
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
