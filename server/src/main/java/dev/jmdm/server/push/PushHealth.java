package dev.jmdm.server.push;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Whether pushes are getting through, for /readyz and /metrics: since when they fail, how many did since the last one
 * APNs accepted, and the last error. An APNs outage or a push host that does not resolve otherwise shows only as
 * devices that never check in. Pushes the enrollment itself rules out (unknown, token gone) say nothing about APNs
 * and are not counted.
 */
public final class PushHealth {
    /** The state at one moment; {@code failingSince} is null while pushes get through. */
    public record Snapshot(Instant failingSince, long failures, String lastError, Instant lastErrorAt) {
        public boolean failing() {
            return failingSince != null;
        }
    }

    private final Clock clock;
    private final LongAdder unanswered = new LongAdder();
    private Instant failingSince;
    private long failures;
    private String lastError;
    private Instant lastErrorAt;

    public PushHealth(Clock clock) {
        this.clock = clock;
    }

    /** APNs accepted a push: whatever failed before is over. */
    synchronized void accepted() {
        failingSince = null;
        failures = 0;
    }

    /**
     * Pushes failed or went unanswered.
     *
     * @param pushes how many; 0 for the late outcome of a push already counted when its caller stopped waiting: it
     *     only brings a better error (say, the unknown host behind the silence)
     */
    synchronized void failed(String error, int pushes) {
        if (pushes == 0 && failingSince == null) {
            return; // pushes got through meanwhile
        }
        Instant now = clock.instant();
        if (failingSince == null) {
            failingSince = now;
        }
        failures += pushes;
        lastError = error;
        lastErrorAt = now;
    }

    /** Pushes whose callers stopped waiting for APNs (they went on in the background). */
    void unanswered(int pushes) {
        unanswered.add(pushes);
    }

    public synchronized Snapshot snapshot() {
        return failingSince == null ? new Snapshot(null, 0, null, null)
                : new Snapshot(failingSince, failures, lastError, lastErrorAt);
    }

    /** Epoch seconds pushes have been failing since, 0 while they get through (a Prometheus gauge). */
    public double failingSinceEpochSeconds() {
        Snapshot s = snapshot();
        return s.failing() ? s.failingSince().toEpochMilli() / 1000.0 : 0;
    }

    public double failures() {
        return snapshot().failures();
    }

    public double unansweredTotal() {
        return unanswered.sum();
    }

    /** One line for /readyz while pushes fail, none otherwise. */
    public List<String> warnings() {
        Snapshot s = snapshot();
        if (!s.failing()) {
            return List.of();
        }
        return List.of("pushes failing since " + s.failingSince() + ": " + s.failures()
                + " push(es) failed or went unanswered since APNs last accepted one; last error at " + s.lastErrorAt()
                + ": " + s.lastError() + ". Devices are not woken; the re-push sweep tries again");
    }
}
