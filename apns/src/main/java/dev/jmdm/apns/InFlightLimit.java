package dev.jmdm.apns;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * An asynchronous semaphore: a caller past the limit gets a future that completes when a permit frees up, so pushing
 * to ten thousand devices queues ten thousand small futures, not ten thousand blocked threads.
 */
final class InFlightLimit {
    private static final CompletableFuture<Void> GRANTED = CompletableFuture.completedFuture(null);

    private final int max;
    private final Executor handOff;
    private final Queue<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private int inUse;

    /**
     * @param handOff runs a waiter once it holds its permit; were it run inside {@link #release}, a queue of sends that
     *     end at once (the sender closing, say) would recurse through release() until the stack overflows
     */
    InFlightLimit(int max, Executor handOff) {
        this.max = max;
        this.handOff = handOff;
    }

    /** Completes once the caller holds a permit; the caller must {@link #release} it exactly once. */
    CompletableFuture<Void> acquire() {
        synchronized (this) {
            if (inUse < max) {
                inUse++;
                return GRANTED;
            }
            CompletableFuture<Void> turn = new CompletableFuture<>();
            waiting.add(turn);
            return turn;
        }
    }

    /** Passes the permit to the longest waiter, or returns it. */
    void release() {
        CompletableFuture<Void> next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                inUse--;
                return;
            }
        }
        handOff.execute(() -> next.complete(null));
    }
}
