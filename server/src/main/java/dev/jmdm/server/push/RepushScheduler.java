package dev.jmdm.server.push;

import dev.jmdm.server.jobs.LeasedJobs;
import dev.jmdm.server.storage.PushTargets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes again enrollments whose commands wait while they stay silent, with backoff, so a lost
 * or NotNow'd wakeup never leaves a command stuck. Claims are made in the database, so any
 * number of servers may run this at once.
 */
public final class RepushScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RepushScheduler.class);
    static final int BATCH = 500;

    private final PushTargets enrollments;
    private final PushService push;
    private final Clock clock;
    private final Duration silentFor;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "repush");
        t.setDaemon(true);
        return t;
    });

    public RepushScheduler(PushTargets enrollments, PushService push, Clock clock, Duration silentFor) {
        this.enrollments = enrollments;
        this.push = push;
        this.clock = clock;
        this.silentFor = silentFor;
    }

    /** Sweeps every period on the server holding the job's lease (its claims would keep two sweeps apart anyway). */
    public void start(Duration every, LeasedJobs jobs) {
        timer.scheduleWithFixedDelay(jobs.leased("repush", every, () -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                LOG.warn("re-push sweep failed: {}", e.getMessage(), e);
            }
        }), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One sweep: claims due enrollments in batches and pushes them. Returns how many were pushed. */
    public int sweep() {
        int total = 0;
        while (true) {
            List<String> due = enrollments.claimRepush(clock.millis() - silentFor.toMillis(), silentFor.toMillis(), BATCH);
            if (due.isEmpty()) {
                return total;
            }
            push.push(due);
            total += due.size();
            if (due.size() < BATCH) {
                return total;
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
