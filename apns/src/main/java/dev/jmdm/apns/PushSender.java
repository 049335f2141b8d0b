package dev.jmdm.apns;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends MDM wakeups through APNs: one Pushy client per topic, at most {@link PushSettings#maxInFlight()} sends awaiting
 * an answer, transient errors retried with backoff.
 *
 * <p>The futures returned here never complete exceptionally, and they complete on Pushy's or the JDK's internal
 * threads: do not block in callbacks attached to them without an executor of your own.
 */
public final class PushSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PushSender.class);
    private static final String CLOSED = "the push sender is closed";

    private final PushSettings settings;
    private final TopicClients clients;
    private final InFlightLimit inFlight;
    private final DelayScheduler delays;
    private final DoubleSupplier random;
    private final PushStats stats = new PushStats();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Pushes without an outcome yet, so close() can end those that APNs leaves unanswered. */
    private final Set<CompletableFuture<PushOutcome>> unfinished = ConcurrentHashMap.newKeySet();

    public PushSender(PushSettings settings) {
        this(settings, DelayScheduler.SYSTEM, () -> ThreadLocalRandom.current().nextDouble(), ForkJoinPool.commonPool());
    }

    PushSender(PushSettings settings, DelayScheduler delays, DoubleSupplier random, Executor handOff) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clients = new TopicClients(settings);
        this.inFlight = new InFlightLimit(settings.maxInFlight(), handOff);
        this.delays = delays;
        this.random = random;
    }

    /**
     * Pushes for the certificate's topic use it from now on: the first certificate for a topic, or a renewed one
     * replacing the old without a restart.
     *
     * @throws IllegalStateException when this sender is closed
     */
    public void updateCertificate(PushCertificate certificate) {
        clients.put(Objects.requireNonNull(certificate, "certificate"));
    }

    /** Wakes one enrollment. */
    public CompletableFuture<PushOutcome> push(PushTarget target) {
        Objects.requireNonNull(target, "target");
        SimpleApnsPushNotification notification =
                MdmNotification.of(target, settings.clock().instant().plus(settings.expiration()));
        CompletableFuture<PushOutcome> outcome = new CompletableFuture<>();
        unfinished.add(outcome);
        attempt(notification, 1, outcome);
        return outcome;
    }

    /**
     * Wakes each enrollment once, however often its id appears (the first target for an id wins). Completes when every
     * push has its outcome, keyed by enrollment id in the order given.
     */
    public CompletableFuture<Map<String, PushOutcome>> pushAll(Collection<PushTarget> targets) {
        Map<String, CompletableFuture<PushOutcome>> pending = new LinkedHashMap<>();
        for (PushTarget target : targets) {
            if (!pending.containsKey(target.enrollmentId())) {
                pending.put(target.enrollmentId(), push(target));
            }
        }
        return CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, PushOutcome> outcomes = new LinkedHashMap<>();
            pending.forEach((id, push) -> outcomes.put(id, push.join()));
            return Collections.unmodifiableMap(outcomes);
        });
    }

    /** Totals since this sender started. */
    public PushStats stats() {
        return stats;
    }

    /**
     * Stops sending: pushes waiting for a permit or a retry end as {@link PushOutcome.Failed}, pushes already sent get
     * APNs's answer if it comes within {@link PushSettings#closeTimeout()}, and end as failed when it does not. Returns
     * within about that timeout, once every connection is closed, whatever APNs does; later calls do nothing.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            clients.close(settings.closeTimeout());
            for (CompletableFuture<PushOutcome> outcome : List.copyOf(unfinished)) {
                finish(outcome, new PushOutcome.Failed(CLOSED, PushOutcome.Failed.NO_RESPONSE));
            }
        }
    }

    private void attempt(SimpleApnsPushNotification notification, int attempt, CompletableFuture<PushOutcome> outcome) {
        inFlight.acquire().thenRun(() -> send(notification, attempt, outcome));
    }

    /** Runs holding a permit, and gives it back once APNs answers or the attempt times out. */
    private void send(SimpleApnsPushNotification notification, int attempt, CompletableFuture<PushOutcome> outcome) {
        // looked up per attempt, after the wait for a permit, so a retry uses a client swapped in meanwhile
        ApnsClient client;
        try {
            client = closed.get() ? null : clients.get(notification.getTopic());
        } catch (IllegalStateException e) { // the topic's client is built on its first push, and could not be
            inFlight.release();
            finish(outcome, new PushOutcome.Failed(e.getMessage(), PushOutcome.Failed.NO_RESPONSE));
            return;
        }
        if (client == null) {
            inFlight.release();
            finish(outcome, new PushOutcome.Failed(closed.get() ? CLOSED
                    : "no push certificate for topic " + notification.getTopic(), PushOutcome.Failed.NO_RESPONSE));
            return;
        }
        long timeoutMillis = settings.attemptTimeout().toMillis();
        // A timed-out send may still go out and be answered later, after its permit was passed on. So while APNs
        // stalls, Pushy can hold up to maxAttempts x maxInFlight notifications: still bounded, and a wakeup that
        // arrives twice costs the device one extra check-in.
        client.sendNotification(notification).orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .whenComplete((response, failure) -> {
                    inFlight.release();
                    settle(notification, attempt, outcome,
                            failure == null ? Verdict.of(response) : Verdict.of(failure, timeoutMillis));
                });
    }

    private void settle(SimpleApnsPushNotification notification, int attempt, CompletableFuture<PushOutcome> outcome,
            Verdict verdict) {
        if (!verdict.retryable() || attempt >= settings.retry().maxAttempts() || closed.get()) {
            finish(outcome, verdict.outcome());
            return;
        }
        stats.recordRetry();
        log.debug("Retrying push to {} after attempt {}: {}", notification.getToken(), attempt, verdict.outcome());
        delays.after(settings.retry().backoffAfter(attempt, random.getAsDouble()))
                .thenRun(() -> attempt(notification, attempt + 1, outcome));
    }

    /** Records the outcome once, however many ends (APNs's answer, a timeout, close) race to give it. */
    private void finish(CompletableFuture<PushOutcome> outcome, PushOutcome result) {
        if (unfinished.remove(outcome)) {
            stats.record(result); // before completing, so whoever sees the outcome sees it counted
            outcome.complete(result);
        }
    }
}
