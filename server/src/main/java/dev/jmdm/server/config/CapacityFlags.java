package dev.jmdm.server.config;

import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** The flags of {@link Capacity}, mixed into the server's command line, and their validation. */
final class CapacityFlags {
    static final int MAX_DB_POOL = 500;
    static final int MAX_WORKERS = 2000;

    @Option(names = "--db-pool", paramLabel = "N", description = "MDM_DB_POOL: database connections in the pool (default 16)")
    String dbPool;
    @Option(names = "--workers", paramLabel = "N", description = "MDM_WORKERS: request worker threads (default MDM_DB_POOL x 4)")
    String workers;
    @Option(names = "--header-timeout", paramLabel = "DURATION", description = "MDM_HEADER_TIMEOUT: a request's line and headers must arrive within this (default 30s)")
    String headerTimeout;
    @Option(names = "--body-timeout", paramLabel = "DURATION", description = "MDM_BODY_TIMEOUT: the whole request body must arrive within this, else 408 and the connection closes (default 60s)")
    String bodyTimeout;
    @Option(names = "--idle-timeout", paramLabel = "DURATION", description = "MDM_IDLE_TIMEOUT: close a kept-alive connection idle this long (default 60s)")
    String idleTimeout;

    Capacity build(Map<String, String> env) {
        int pool = count("MDM_DB_POOL", SettingsParser.pick(dbPool, env, "MDM_DB_POOL", null), Capacity.DEFAULT_DB_POOL, 2, MAX_DB_POOL);
        int w = count("MDM_WORKERS", SettingsParser.pick(workers, env, "MDM_WORKERS", null),
                Math.min(MAX_WORKERS, pool * Capacity.WORKERS_PER_CONNECTION), 2, MAX_WORKERS);
        if (w > pool * Capacity.MAX_WORKERS_PER_CONNECTION) {
            throw new SettingsException("MDM_WORKERS: " + w + " workers for " + pool + " database connections (MDM_DB_POOL) would"
                    + " mostly wait on the pool; use at most " + pool * Capacity.MAX_WORKERS_PER_CONNECTION
                    + " or raise MDM_DB_POOL (the default is " + Capacity.WORKERS_PER_CONNECTION + " per connection)");
        }
        return new Capacity(pool, w,
                timeout("MDM_HEADER_TIMEOUT", SettingsParser.pick(headerTimeout, env, "MDM_HEADER_TIMEOUT", null), Capacity.DEFAULT_HEADER_TIMEOUT),
                timeout("MDM_BODY_TIMEOUT", SettingsParser.pick(bodyTimeout, env, "MDM_BODY_TIMEOUT", null), Capacity.DEFAULT_BODY_TIMEOUT),
                timeout("MDM_IDLE_TIMEOUT", SettingsParser.pick(idleTimeout, env, "MDM_IDLE_TIMEOUT", null), Capacity.DEFAULT_IDLE_TIMEOUT));
    }

    private static int count(String name, String value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new SettingsException(name + ": '" + value + "' is not a whole number from " + min + " to " + max);
    }

    /** At least a second and at most an hour: zero would turn the bound off, which is what these settings prevent. */
    private static Duration timeout(String name, String value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        Duration d = SettingsParser.parseDuration(name, value);
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofHours(1)) > 0) {
            throw new SettingsException(name + ": '" + value + "' is outside 1s to 1h; use e.g. 30s or 2m");
        }
        return d;
    }
}
