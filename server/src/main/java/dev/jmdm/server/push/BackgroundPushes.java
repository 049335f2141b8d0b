package dev.jmdm.server.push;

import dev.jmdm.server.concurrent.BoundedExecutor;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one executor for pushes nobody waits for: after an enrollment, an inventory refresh, a
 * profile sweep's batch. Check-ins and sweeps never wait for APNs. Its queue is bounded and a push that does
 * not fit is shed (counted as {@code mdm_work_shed_total{queue="background-push"}}): the commands it would have
 * announced stay queued, and the re-push sweep ({@code MDM_REPUSH_AFTER}) or the device's next check-in
 * delivers them. A push's failure is the device's business (recorded by {@link PushService}) and only logged.
 */
public final class BackgroundPushes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundPushes.class);
    /** Threads pushing: APNs answers asynchronously, two keep its connection busy. */
    static final int THREADS = 2;
    /** Pushes waiting at most; each is one host's ids or one sweep batch's (at most 1,000 ids). */
    static final int QUEUE = 1024;

    private final Function<Collection<String>, Map<String, PushResult>> push;
    private final BoundedExecutor executor;

    /**
     * @param push   {@link PushService#push} in a server
     * @param onShed counts a push shed because the queue was full
     */
    public BackgroundPushes(Function<Collection<String>, Map<String, PushResult>> push, Runnable onShed) {
        this.push = push;
        this.executor = new BoundedExecutor("background-push", THREADS, QUEUE,
                "the re-push sweep or the devices' next check-in delivers their commands", onShed);
    }

    /** Pushes the ids soon, or sheds them when the queue is full; never blocks or throws. */
    public void pushLater(Collection<String> enrollmentIds) {
        if (enrollmentIds.isEmpty()) {
            return;
        }
        List<String> ids = List.copyOf(enrollmentIds);
        executor.execute(() -> {
            try {
                push.apply(ids).forEach((id, r) -> {
                    if (!r.ok()) {
                        LOG.debug("push to {} failed: {}", id, r.error());
                    }
                });
            } catch (RuntimeException e) {
                LOG.warn("background push of {} enrollments failed: {}", ids.size(), e.toString());
            }
        });
    }

    /** Drops what waits; the server is stopping. */
    @Override
    public void close() {
        executor.close();
    }
}
