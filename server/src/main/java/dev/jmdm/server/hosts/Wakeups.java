package dev.jmdm.server.hosts;

import dev.jmdm.server.push.BackgroundPushes;
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
 * answers carry it per id, and background pushes (after enrollment, on sweeps) only log it. Background
 * pushes go to the server's one {@link BackgroundPushes} executor, so check-ins never wait for APNs.
 */
final class Wakeups {
    private static final Logger LOG = LoggerFactory.getLogger(Wakeups.class);

    /** The push seam: PushService::push in a server, a recorder in tests. */
    @FunctionalInterface
    interface Pusher {
        Map<String, PushResult> push(Collection<String> enrollmentIds);
    }

    private final Pusher push;
    private final BackgroundPushes background;

    Wakeups(Pusher push, BackgroundPushes background) {
        this.push = push;
        this.background = background;
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
        background.pushLater(ids);
    }
}
