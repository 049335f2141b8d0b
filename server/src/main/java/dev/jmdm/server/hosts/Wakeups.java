package dev.jmdm.server.hosts;

import dev.jmdm.server.concurrent.BoundedExecutor;
import dev.jmdm.server.push.PushResult;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.jmdm.server.http.AdminAnswers.IdStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes after this package queues commands. A push failure never hides a queued command: API
 * answers carry it per id, and background pushes (after enrollment, on sweeps) only log it.
 * Background pushes run on a small pool whose threads end when idle, so check-ins never wait for APNs; its queue is
 * bounded and a push that does not fit is shed (counted as {@code mdm_work_shed{queue="hosts-push"}}): the commands it
 * would have announced stay queued, and the re-push sweep (MDM_REPUSH_AFTER) or the device's next check-in delivers them.
 */
final class Wakeups {
    private static final Logger LOG = LoggerFactory.getLogger(Wakeups.class);

    /** The push seam: PushService::push in a server, a recorder in tests. */
    @FunctionalInterface
    interface Pusher {
        Map<String, PushResult> push(Collection<String> enrollmentIds);
    }

    /** Threads pushing in the background: APNs answers asynchronously, two keep its connection busy. */
    static final int BACKGROUND_THREADS = 2;
    /** Background pushes waiting at most; each is one host's or one sweep batch's ids. */
    static final int BACKGROUND_QUEUE = 1024;

    private final Pusher push;
    private final BoundedExecutor background;

    /** @param onShed counts a background push shed because the queue was full */
    Wakeups(Pusher push, Runnable onShed) {
        this.push = push;
        this.background = new BoundedExecutor("hosts-push", BACKGROUND_THREADS, BACKGROUND_QUEUE,
                "the re-push sweep or the device's next check-in delivers its commands", onShed);
    }

    /** Pushes now; returns one status per id (nanomdm's push_result or push_error). */
    Map<String, IdStatus> pushNow(List<String> ids) {
        Map<String, IdStatus> status = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, PushResult> e : push.push(ids).entrySet()) {
                status.put(e.getKey(), e.getValue().ok() ? IdStatus.pushed(e.getValue().apnsId()) : IdStatus.pushFailed(e.getValue().error()));
            }
        } catch (RuntimeException e) {
            LOG.warn("push failed: {}", e.getMessage(), e);
            ids.forEach(id -> status.put(id, IdStatus.pushFailed(String.valueOf(e.getMessage()))));
        }
        return status;
    }

    static int failures(Map<String, IdStatus> status) {
        return (int) status.values().stream().filter(s -> s.pushError() != null).count();
    }

    void pushLater(Collection<String> ids) {
        List<String> copy = List.copyOf(ids);
        background.execute(() -> {
            try {
                push.push(copy).forEach((id, r) -> {
                    if (!r.ok()) {
                        LOG.debug("push to {} failed: {}", id, r.error());
                    }
                });
            } catch (RuntimeException e) {
                LOG.warn("background push failed: {}", e.getMessage());
            }
        });
    }
}
