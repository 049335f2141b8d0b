package dev.jmdm.server.config;

import java.time.Duration;

/**
 * How much the server takes on at once and how long it waits for a client: the database pool, the
 * request workers sized from it, and the HTTP timeouts that cut off clients which send slowly or not at all.
 *
 * @param dbPool      connections in the database pool (MDM_DB_POOL)
 * @param workers     threads that run blocking request handlers (MDM_WORKERS)
 * @param headerTimeout the request line and headers must arrive within it (MDM_HEADER_TIMEOUT)
 * @param bodyTimeout the whole request body must arrive within it once the headers are in, trickled or stalled
 *                    (MDM_BODY_TIMEOUT)
 * @param idleTimeout a kept-alive connection with no request in flight is closed after it (MDM_IDLE_TIMEOUT)
 */
public record Capacity(int dbPool, int workers, Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout) {
    /** Connections in the pool: small, since every hot-path query is an index lookup. */
    public static final int DEFAULT_DB_POOL = 16;
    /**
     * Workers per pool connection by default. A device request holds a connection for only part of its life (TLS,
     * the CMS signature check, plist parsing and writing the answer need none), so about four workers keep one
     * connection busy; many more would only move the queue from Undertow into the pool, where requests wait up to
     * Hikari's connection timeout and then fail with a 500 instead of waiting their turn.
     */
    public static final int WORKERS_PER_CONNECTION = 4;
    /** Past this many workers per connection the extra threads can only wait on the pool: refused at start. */
    public static final int MAX_WORKERS_PER_CONNECTION = 16;
    public static final int MIN_DB_POOL = 2;
    public static final int MAX_DB_POOL = 500;
    public static final int MIN_WORKERS = 2;
    public static final int MAX_WORKERS = 2000;
    /** Zero would turn a bound off, which is what the timeouts are for. */
    public static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(30);
    /** Long enough for a large InstalledApplicationList over a slow cellular link, short enough to free the worker. */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public Capacity {
        if (workers > dbPool * MAX_WORKERS_PER_CONNECTION) {
            throw new SettingsException("MDM_WORKERS: " + workers + " workers for " + dbPool + " database connections (MDM_DB_POOL) would"
                    + " mostly wait on the pool; use at most " + dbPool * MAX_WORKERS_PER_CONNECTION
                    + " or raise MDM_DB_POOL (the default is " + WORKERS_PER_CONNECTION + " per connection)");
        }
    }

    public static Capacity defaults() {
        return new Capacity(DEFAULT_DB_POOL, defaultWorkers(DEFAULT_DB_POOL), DEFAULT_HEADER_TIMEOUT,
                DEFAULT_BODY_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
    }

    /** The workers for a pool of this size when MDM_WORKERS is not set. */
    public static int defaultWorkers(int dbPool) {
        return Math.min(MAX_WORKERS, dbPool * WORKERS_PER_CONNECTION);
    }
}
