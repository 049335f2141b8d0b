package dev.jmdm.server.jobs;

import dev.jmdm.server.storage.Sql;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The lease rows of scheduled jobs ({@code job_leases}). One server holds a job's lease at a time: it takes a free or
 * expired lease, or renews its own, with one guarded {@code UPDATE} (the {@code INSERT} of the job's first row when
 * there is none; a duplicate key there means another server was first). A holder that dies stops renewing, and any
 * server takes the lease over once it has expired. Times are this server's clock: servers sharing a database keep
 * their clocks in step (NTP), and a lease outlasts a skew of seconds.
 */
public final class JobLeases {
    /** A period gate tolerates ticks this much early (timers and clocks of different servers are not exact). */
    static final int EARLY_PERCENT = 10;
    /** A server's leases last this long unless renewed (every third of it): a dead server's jobs move within it. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);

    private final Jdbi jdbi;
    private final Clock clock;
    private final String holder;
    private final Duration ttl;

    /**
     * @param holder this server's name in the lease rows (unique per process)
     * @param ttl    how long a lease lasts unless renewed: a dead holder's jobs wait at most this long
     */
    public JobLeases(Jdbi jdbi, Clock clock, String holder, Duration ttl) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.holder = Objects.requireNonNull(holder, "holder");
        this.ttl = ttl;
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("lease ttl must be positive, was " + ttl);
        }
    }

    public String holder() {
        return holder;
    }

    public Duration ttl() {
        return ttl;
    }

    /** A job's lease as stored. */
    public record Lease(String job, String holder, long expiresAt, Long lastRunAt, long runs) {
    }

    /** Takes the job's lease when it is free or expired, or renews it when this server holds it. */
    public boolean hold(String job) {
        long now = clock.millis();
        int n = jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE job_leases SET holder = :me, expires_at = :until, updated_at = :now
                        WHERE job_name = :job AND (holder = :me OR expires_at <= :now)""")
                .bind("me", holder).bind("until", now + ttl.toMillis()).bind("now", now).bind("job", job).execute());
        if (n > 0) {
            return true;
        }
        try {
            jdbi.useHandle(h -> h.createUpdate("""
                            INSERT INTO job_leases (job_name, holder, expires_at, runs, updated_at)
                            VALUES (:job, :me, :until, 0, :now)""")
                    .bind("job", job).bind("me", holder).bind("until", now + ttl.toMillis()).bind("now", now).execute());
            return true;
        } catch (RuntimeException e) {
            if (Sql.isDuplicateKey(e)) {
                return false; // held by another server, or another server inserted it first
            }
            throw e;
        }
    }

    /** Renews the lease only if this server still holds it (a heartbeat while a job runs); false when it was lost. */
    public boolean renew(String job) {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE job_leases SET expires_at = :until, updated_at = :now
                        WHERE job_name = :job AND holder = :me AND expires_at > :now""")
                .bind("me", holder).bind("until", now + ttl.toMillis()).bind("now", now).bind("job", job).execute()) > 0;
    }

    /**
     * Claims one run of the job: only the holder of a live lease, and only when the last run (by any server) was at
     * least a period ago, less {@link #EARLY_PERCENT}. Two servers' ticks in one period end in one run: the second
     * finds last_run_at moved.
     */
    public boolean claimRun(String job, Duration period) {
        long now = clock.millis();
        long gap = period.toMillis() - period.toMillis() * EARLY_PERCENT / 100;
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE job_leases SET last_run_at = :now, runs = runs + 1, updated_at = :now
                        WHERE job_name = :job AND holder = :me AND expires_at > :now
                          AND (last_run_at IS NULL OR last_run_at <= :latest)""")
                .bind("me", holder).bind("now", now).bind("latest", now - gap).bind("job", job).execute()) > 0;
    }

    /** Gives up the job's lease (a graceful stop), so another server takes it at its next tick. */
    public void release(String job) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE job_leases SET expires_at = 0, updated_at = :now WHERE job_name = :job AND holder = :me")
                .bind("now", clock.millis()).bind("job", job).bind("me", holder).execute());
    }

    public Optional<Lease> lease(String job) {
        return jdbi.withHandle(h -> h.createQuery("SELECT job_name, holder, expires_at, last_run_at, runs FROM job_leases WHERE job_name = :job")
                .bind("job", job)
                .map((rs, ctx) -> new Lease(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getObject(4, Long.class), rs.getLong(5)))
                .findOne());
    }
}
