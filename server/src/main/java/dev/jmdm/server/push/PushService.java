package dev.jmdm.server.push;

import dev.jmdm.apns.PushOutcome;
import dev.jmdm.apns.PushSender;
import dev.jmdm.apns.PushTarget;
import dev.jmdm.server.storage.PushTargets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes {@code {"mdm": PushMagic}} to enrollments and records what APNs said: a token APNs
 * calls gone is marked invalid and skipped until the device's next TokenUpdate.
 *
 * <p>A caller waits for APNs at most {@code MDM_APNS_TIMEOUT}: an APNs that accepts connections and
 * never answers must not hold an admin request (and its worker) or a background push thread. Pushes
 * still unanswered then are reported pending and go on; what APNs says later is recorded as it would
 * have been, and the re-push sweep covers those that never get through.
 */
public final class PushService {
    private static final Logger LOG = LoggerFactory.getLogger(PushService.class);
    /** Late answers waiting to be recorded; beyond this they are dropped (see {@link #recordLate}). */
    static final int LATE_QUEUE = 256;
    /** A caller waits for the pushes due within this; later ones (paced by MDM_PUSH_RATE) are answered as pending. */
    static final long WAIT_WINDOW_NANOS = 250_000_000L;
    /** A push due within this goes out on the caller's thread: a lone push (one device's enqueue) is never scheduled. */
    static final long SEND_NOW_NANOS = 1_000_000L;
    /**
     * Paced pushes waiting for their slot at most (50 s at the default rate); beyond this a push is not sent: the
     * commands stay queued and the re-push sweep or the device's next check-in delivers them.
     */
    static final int MAX_PACED = 100_000;

    private final PushTargets enrollments;
    private final PushSender sender;
    private final Runnable refreshCertificates;
    private final Duration timeout;
    private final PushHealth health;
    /** Records late answers off the threads that complete them (Netty's event loop must never wait on the database). */
    private final ThreadPoolExecutor late;
    private final PushPacer pacer;
    /** Sends paced pushes when their slot comes; one thread, as a send only hands the push to Pushy. */
    private final java.util.concurrent.ScheduledThreadPoolExecutor paced;
    private final java.util.concurrent.atomic.AtomicInteger pacedWaiting = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param refreshCertificates loads certificates changed through other servers; run before each push call
     * @param timeout how long a call waits for APNs's answers ({@code MDM_APNS_TIMEOUT})
     * @param pacer   when each push may go out ({@code MDM_PUSH_RATE})
     */
    public PushService(PushTargets enrollments, PushSender sender, Runnable refreshCertificates, Duration timeout,
            PushHealth health, PushPacer pacer) {
        this.pacer = pacer;
        this.paced = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "push-pacer");
            t.setDaemon(true);
            return t;
        });
        // No core thread time-out: a worker that timed out while pushes wait for later slots would leave them unsent.
        this.enrollments = enrollments;
        this.sender = sender;
        this.refreshCertificates = refreshCertificates;
        this.timeout = timeout;
        this.health = health;
        this.late = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(LATE_QUEUE), r -> {
            Thread t = new Thread(r, "push-late-answers");
            t.setDaemon(true);
            return t;
        }, (task, pool) -> LOG.debug("late push answers dropped: {} batches already wait to be recorded", LATE_QUEUE));
        late.allowCoreThreadTimeOut(true);
    }

    /** Stops sending paced pushes (the server is stopping); their commands stay queued. */
    public void close() {
        paced.shutdownNow();
    }

    /**
     * One result per requested id, in request order; returns within about the timeout whatever APNs does. Pushes are
     * paced ({@link PushPacer}): the caller waits for those due soon, and those due later are reported pending.
     */
    public Map<String, PushResult> push(Collection<String> enrollmentIds) {
        Map<String, PushResult> results = new LinkedHashMap<>();
        Map<String, PushTarget> targets = targets(enrollmentIds, results);
        if (targets.isEmpty()) {
            return results;
        }
        refreshCertificates.run();
        Map<String, CompletableFuture<PushOutcome>> pushes = new LinkedHashMap<>();
        Map<String, CompletableFuture<PushOutcome>> later = new LinkedHashMap<>();
        targets.forEach((id, target) -> {
            long delay = pacer.reserve();
            if (delay < SEND_NOW_NANOS) {
                pushes.put(id, sender.push(target));
            } else if (pacedWaiting.incrementAndGet() > MAX_PACED) {
                pacedWaiting.decrementAndGet();
                results.put(id, PushResult.pending("not pushed: " + MAX_PACED + " pushes already wait for their turn under"
                        + " MDM_PUSH_RATE; the re-push sweep or the device's next check-in delivers its commands"));
            } else {
                CompletableFuture<PushOutcome> push = new CompletableFuture<>();
                if (paced.isShutdown()) {
                    pacedWaiting.decrementAndGet();
                    results.put(id, PushResult.pending("not pushed: the server is stopping"));
                    return;
                }
                paced.schedule(() -> {
                    pacedWaiting.decrementAndGet();
                    sender.push(target).whenComplete((o, e) -> {
                        if (e != null) {
                            push.completeExceptionally(e);
                        } else {
                            push.complete(o);
                        }
                    });
                }, delay, TimeUnit.NANOSECONDS);
                (delay <= WAIT_WINDOW_NANOS ? pushes : later).put(id, push);
            }
        });
        if (!later.isEmpty()) {
            later.keySet().forEach(id -> results.put(id, PushResult.pending("paced by MDM_PUSH_RATE: sent within "
                    + (pacer.backlogNanos() / 1_000_000 + 1) + " ms, its answer recorded then")));
            recordLater(later, targets);
        }
        awaitAtMost(pushes.values());
        Map<String, PushOutcome> answered = new LinkedHashMap<>();
        Map<String, CompletableFuture<PushOutcome>> unanswered = new LinkedHashMap<>();
        pushes.forEach((id, push) -> {
            if (push.isDone()) {
                answered.put(id, push.join());
            } else {
                unanswered.put(id, push);
            }
        });
        record(answered, targets, true).forEach(results::put);
        if (!unanswered.isEmpty()) {
            String pending = "push pending: APNs did not answer within " + timeout.toMillis()
                    + " ms; it goes on in the background, and the re-push sweep covers it if it never gets through";
            unanswered.keySet().forEach(id -> results.put(id, PushResult.pending(pending)));
            health.unanswered(unanswered.size());
            health.failed("APNs did not answer within " + timeout.toMillis() + " ms", unanswered.size());
            recordLater(unanswered, targets);
        }
        return results;
    }

    /** The targets to push, by id; the ids that cannot be pushed get their result here. */
    private Map<String, PushTarget> targets(Collection<String> enrollmentIds, Map<String, PushResult> results) {
        Map<String, PushTargets.PushInfo> found = new LinkedHashMap<>();
        for (PushTargets.PushInfo e : enrollments.pushInfo(enrollmentIds)) {
            found.put(e.id(), e);
        }
        Map<String, PushTarget> targets = new LinkedHashMap<>();
        for (String id : enrollmentIds) {
            PushTargets.PushInfo e = found.get(id);
            if (e == null) {
                results.put(id, PushResult.notPushable("unknown enrollment"));
            } else if (!e.enabled()) {
                results.put(id, PushResult.notPushable("enrollment is disabled (checked out or awaiting TokenUpdate)"));
            } else if (e.tokenInvalid()) {
                results.put(id, PushResult.notPushable("APNs rejected this token (" + e.tokenInvalidReason()
                        + "); waiting for the device's next TokenUpdate"));
            } else {
                PushTarget target = target(e);
                if (target == null) {
                    results.put(id, PushResult.notPushable("the stored push details (Topic, PushMagic, Token) are incomplete;"
                            + " waiting for the device's next TokenUpdate"));
                } else {
                    results.put(id, null); // keeps the request order; filled in once APNs answers
                    targets.put(id, target);
                }
            }
        }
        return targets;
    }

    private void awaitAtMost(Collection<CompletableFuture<PushOutcome>> pushes) {
        try {
            CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new)).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // the unanswered ones are reported pending
        } catch (InterruptedException e) {
            // the server is stopping: answer with what is known, the rest is pending
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("push failed unexpectedly", e.getCause()); // PushSender's never do
        }
    }

    /** Once the unanswered pushes end, records what APNs said as if the caller had waited. */
    private void recordLater(Map<String, CompletableFuture<PushOutcome>> unanswered, Map<String, PushTarget> targets) {
        CompletableFuture.allOf(unanswered.values().toArray(CompletableFuture[]::new)).thenRunAsync(() -> {
            Map<String, PushOutcome> outcomes = new LinkedHashMap<>();
            unanswered.forEach((id, push) -> outcomes.put(id, push.join()));
            recordLate(outcomes, targets);
        }, late);
    }

    /**
     * Dropping a batch (queue full) or failing to write it (the database is going away) loses nothing that matters:
     * the re-push sweep pushes again, and a token APNs calls gone is marked on the next push to it.
     */
    private void recordLate(Map<String, PushOutcome> outcomes, Map<String, PushTarget> targets) {
        try {
            record(outcomes, targets, false).forEach((id, r) -> {
                if (!r.ok()) {
                    LOG.debug("push to {} ended after its caller stopped waiting: {}", id, r.error());
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("could not record late push answers: {}", e.toString());
        }
    }

    /**
     * Writes what APNs said and keeps {@link PushHealth} up to date.
     *
     * @param count whether failures count as new ones (false for pushes already counted as unanswered)
     */
    private Map<String, PushResult> record(Map<String, PushOutcome> outcomes, Map<String, PushTarget> targets, boolean count) {
        Map<String, PushResult> results = new LinkedHashMap<>();
        List<String> sent = new ArrayList<>();
        outcomes.forEach((id, outcome) -> {
            if (outcome instanceof PushOutcome.Sent s) {
                results.put(id, PushResult.sent(s.apnsId().toString()));
                sent.add(id);
                health.accepted();
            } else if (outcome instanceof PushOutcome.TokenInvalid t) {
                if (enrollments.markTokenInvalid(id, targets.get(id).tokenHex(), t.reason())) {
                    LOG.info("APNs says the token of {} is gone ({}); not pushing it until TokenUpdate", id, t.reason());
                } else {
                    LOG.info("APNs says the old token of {} is gone ({}); it has sent a new one since", id, t.reason());
                }
                results.put(id, PushResult.failed("APNs rejected the token: " + t.reason()));
            } else if (outcome instanceof PushOutcome.Failed f) {
                String error = f.reason() + (f.statusCode() > 0 ? " (APNs status " + f.statusCode() + ")" : "");
                results.put(id, PushResult.failed(error));
                health.failed(error, count ? 1 : 0);
            }
        });
        enrollments.recordPushed(sent);
        return results;
    }

    /**
     * The push target, or null when a stored row lacks what a push needs (rows written before
     * TokenUpdate was validated, or by hand): one such row must not cost the other ids their push.
     */
    private static PushTarget target(PushTargets.PushInfo e) {
        try {
            return new PushTarget(e.id(), e.topic(), e.tokenHex(), e.pushMagic());
        } catch (IllegalArgumentException invalid) {
            LOG.warn("not pushing {}: {}", e.id(), invalid.getMessage());
            return null;
        }
    }
}
