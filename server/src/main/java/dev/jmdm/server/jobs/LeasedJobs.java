package dev.jmdm.server.jobs;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic jobs that run on one server at a time when several share a database. Every server schedules every job as
 * before; {@link #leased} wraps the task so that a tick runs it only on the server holding the job's lease, and only
 * once a period whichever server ran it last ({@link JobLeases#claimRun}). A heartbeat on its own thread renews the
 * leases this server holds, so a job that runs longer than the lease (or a busy timer thread) keeps it; a server that
 * dies stops renewing and another takes the job over at its next tick after the lease expired. Closing releases this
 * server's leases, so a graceful stop hands its jobs over at once.
 *
 * <p>Work triggered by a change (a profile edited, a device answering) is not a job here: it runs where the change
 * happened, and its own claims in the database keep servers apart.
 */
public final class LeasedJobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeasedJobs.class);

    private final JobLeases leases;
    /** Jobs scheduled here, by name: the heartbeat renews those this server holds, close releases them. */
    private final Map<String, Duration> jobs = new ConcurrentHashMap<>();
    /** Runs on this server by job, for /metrics and for tests that count runs across servers. */
    private final Map<String, java.util.concurrent.atomic.AtomicLong> ranHere = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "job-leases");
        t.setDaemon(true);
        return t;
    });

    public LeasedJobs(JobLeases leases) {
        this.leases = leases;
        long every = Math.max(1, leases.ttl().toMillis() / 3);
        heartbeat.scheduleWithFixedDelay(this::renewHeld, every, every, TimeUnit.MILLISECONDS);
    }

    public JobLeases leases() {
        return leases;
    }

    /**
     * The task as a tick of the named job: run when this server holds (or can take) the job's lease and no server ran
     * it within the period. Failures are logged, never thrown: a scheduled task that throws is never run again.
     *
     * @param period how often the caller schedules it; the job runs at most once per period across all servers
     */
    public Runnable leased(String job, Duration period, Runnable task) {
        jobs.put(job, period);
        return () -> runIfHeld(job, period, task);
    }

    /** One tick of a job; true when it ran here. */
    public boolean runIfHeld(String job, Duration period, Runnable task) {
        jobs.putIfAbsent(job, period);
        try {
            if (!leases.hold(job) || !leases.claimRun(job, period)) {
                return false;
            }
        } catch (RuntimeException e) {
            LOG.warn("job {}: lease not taken, the job waits for the next tick: {}", job, e.toString());
            return false;
        }
        ranHere.computeIfAbsent(job, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        LOG.debug("job {} runs here", job);
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("job {} failed: {}", job, e.getMessage(), e);
        }
        return true;
    }

    /** How many times the job ran on this server. */
    public long ranHere(String job) {
        java.util.concurrent.atomic.AtomicLong n = ranHere.get(job);
        return n == null ? 0 : n.get();
    }

    private void renewHeld() {
        for (String job : jobs.keySet()) {
            try {
                leases.renew(job);
            } catch (RuntimeException e) {
                LOG.debug("job {}: lease not renewed: {}", job, e.toString());
            }
        }
    }

    /** Stops renewing and releases this server's leases (the store must still be open). */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        for (String job : jobs.keySet()) {
            try {
                leases.release(job);
            } catch (RuntimeException e) {
                LOG.debug("job {}: lease not released, it expires: {}", job, e.toString());
            }
        }
    }
}
