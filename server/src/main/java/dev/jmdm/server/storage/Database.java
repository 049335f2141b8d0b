package dev.jmdm.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.jmdm.migrations.SchemaMigrator;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jdbi.v3.core.Jdbi;

/**
 * A pooled connection to the store, migrated to the newest schema on open. On an embedded file store
 * every write transaction returns only once it is on disk (see {@link GroupCommit}); MySQL does that
 * itself.
 */
public final class Database implements AutoCloseable {
    /** Connections in the pool by default (MDM_DB_POOL). */
    public static final int DEFAULT_POOL_SIZE = dev.jmdm.server.config.Capacity.DEFAULT_DB_POOL;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long a MySQL/MariaDB connection waits for the server's next bytes before it gives up (socketTimeout, unless
     * the DSN sets it). Without it a database that vanished without closing the connection (a failover, a dropped
     * route, a paused VM) holds every request on it, and its worker, until the operating system gives up on TCP,
     * which takes minutes to hours. Well above the longest statement the server runs while serving (batched sweeps
     * and policy passes take seconds); schema migrations, which may rewrite a big table, run without it.
     */
    static final Duration SOCKET_TIMEOUT = Duration.ofMinutes(5);

    /**
     * H2 file options: store at every commit instead of a write delay (the group commit below relies on
     * stores being synchronous), and no JVM shutdown hook of H2's own, which would close the database
     * under requests still running; the server closes it after HTTP has stopped.
     */
    static final String EMBEDDED_FILE_OPTIONS = ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";

    /**
     * H2 keeps the parsed form of the last 8 statements of each connection by default; the device path alone runs
     * more distinct statements than that on every connection of the pool, so each one was parsed again on nearly
     * every call (5–10 % of the server's CPU per check-in, JFR under the load benchmark). A few hundred bytes each.
     */
    static final String H2_QUERY_CACHE = ";QUERY_CACHE_SIZE=256";

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final String schemaVersion;
    private final boolean embedded;
    private final H2FileSync fileSync;
    private final GroupCommit barrier;
    private final StatementCounter counter = new StatementCounter();

    private Database(HikariDataSource dataSource, boolean embedded, H2FileSync fileSync) {
        this.dataSource = dataSource;
        this.embedded = embedded;
        this.fileSync = fileSync;
        this.schemaVersion = SchemaMigrator.migrate(embedded ? dataSource : withoutSocketTimeout(dataSource));
        this.barrier = fileSync == null ? null : new GroupCommit(fileSync);
        this.jdbi = Jdbi.create(barrier == null ? dataSource : new DurableDataSource(dataSource, barrier));
        counter.install(jdbi);
        if (fileSync != null) {
            fileSync.run(); // the migrations too
        }
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
        String url = withDefaults(jdbcUrl);
        HikariConfig config = new HikariConfig();
        if (metrics != null) {
            config.setMetricsTrackerFactory(metrics);
        }
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        config.setPoolName("mdm-store");
        boolean embedded = jdbcUrl.startsWith("jdbc:h2:");
        if (!embedded) {
            config.addDataSourceProperty("cachePrepStmts", "true");
            config.addDataSourceProperty("prepStmtCacheSize", "250");
            config.addDataSourceProperty("useServerPrepStmts", "true");
            config.addDataSourceProperty("rewriteBatchedStatements", "true");
            // Round trips a check-in need not pay: statements longer than the default 256 characters (our
            // upserts) were never cached; the driver asked the server for the autocommit and isolation state
            // it already knows; and timing every statement costs a clock read each.
            config.addDataSourceProperty("prepStmtCacheSqlLimit", "4096");
            config.addDataSourceProperty("useLocalSessionState", "true");
            config.addDataSourceProperty("useLocalTransactionState", "true");
            config.addDataSourceProperty("cacheServerConfiguration", "true");
            config.addDataSourceProperty("cacheResultSetMetadata", "true");
            config.addDataSourceProperty("elideSetAutoCommits", "true");
            config.addDataSourceProperty("maintainTimeStats", "false");
        }
        H2FileSync sync = null;
        HikariDataSource ds = null;
        try {
            // One connection of our own first: a store that cannot be opened fails here with the driver's
            // reason, before the pool logs its own stack trace about it.
            if (url.startsWith("jdbc:h2:file:")) {
                sync = new H2FileSync(url);
            } else {
                probe(url);
            }
            ds = new HikariDataSource(config);
            return new Database(ds, embedded, sync);
        } catch (SQLException e) {
            closeAll(ds, sync);
            throw new StoreUnavailableException(e);
        } catch (RuntimeException e) {
            closeAll(ds, sync);
            if (e.getCause() instanceof SQLException cause && ds == null) {
                throw new StoreUnavailableException(cause);
            }
            throw e;
        }
    }

    /**
     * One connection, given at most the connect timeout: a server that takes the TCP connection and
     * then says nothing would otherwise hold the start forever (the driver's handshake has no timeout
     * unless socketTimeout is set, which would also cut long queries).
     */
    private static void probe(String url) throws SQLException {
        FutureTask<Void> connect = new FutureTask<>(() -> {
            DriverManager.getConnection(url).close();
            return null;
        });
        Thread t = new Thread(connect, "mdm-store-probe");
        t.setDaemon(true);
        t.start();
        try {
            connect.get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            throw new SQLException("no answer", new SocketTimeoutException("no answer within " + CONNECT_TIMEOUT.toSeconds() + " s"));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while connecting", e);
        }
    }

    private static void closeAll(HikariDataSource ds, H2FileSync sync) {
        if (ds != null) {
            ds.close();
        }
        if (sync != null) {
            try {
                sync.close();
            } catch (SQLException e) {
                // already failing: the first error is the one to report
            }
        }
    }

    static String withDefaults(String url) {
        // The store keeps UTC epoch millis, but the driver still needs to know how to talk; these
        // keep MySQL 8 and MariaDB alike and avoid the SSL warning on local sockets.
        if (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:")) {
            String withKey = url.contains("allowPublicKeyRetrieval") ? url : url + (url.contains("?") ? "&" : "?") + "allowPublicKeyRetrieval=true";
            // Without it an unreachable host holds the start for the operating system's TCP timeout (minutes).
            String withConnect = withKey.contains("connectTimeout") ? withKey : withKey + "&connectTimeout=" + CONNECT_TIMEOUT.toMillis();
            return withConnect.contains("socketTimeout") ? withConnect : withConnect + "&socketTimeout=" + SOCKET_TIMEOUT.toMillis();
        }
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        String h2 = url;
        if (url.startsWith("jdbc:h2:file:") && !upper.contains("WRITE_DELAY")) {
            h2 += EMBEDDED_FILE_OPTIONS;
        }
        if (url.startsWith("jdbc:h2:") && !upper.contains("QUERY_CACHE_SIZE")) {
            h2 += H2_QUERY_CACHE;
        }
        return h2;
    }

    /** The pool's connections with no socket timeout while they are lent (the pool restores it when they come back). */
    private static javax.sql.DataSource withoutSocketTimeout(HikariDataSource pool) {
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(Database.class.getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(pool, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (result instanceof Connection c && method.getName().equals("getConnection")) {
                        c.setNetworkTimeout(Runnable::run, 0);
                    }
                    return result;
                });
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** Statements and transactions run through {@link #jdbi()} so far. */
    public StatementCounter counter() {
        return counter;
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

    /** Flushes (each one fsync) the embedded store's group commit has run; 0 on MySQL and in memory. */
    public long durableFlushes() {
        return barrier == null ? 0 : barrier.flushes();
    }

    @Override
    public void close() {
        closeAll(dataSource, fileSync);
    }
}
