package dev.jmdm.server.policies;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Runs one task per key at a time on an executor: a key that already waits is not queued again. Every
 * device answer and inventory update asks for its host's re-evaluation; without this a busy fleet would
 * queue one evaluation per answer, without bound, on the single policy thread. With it the queue holds at
 * most one entry per host, and an answer that arrives while its host's evaluation runs queues the next one,
 * so no change is missed.
 */
final class CoalescingRunner<K> {
    private final Executor executor;
    private final Consumer<K> task;
    private final Set<K> queued = ConcurrentHashMap.newKeySet();

    CoalescingRunner(Executor executor, Consumer<K> task) {
        this.executor = executor;
        this.task = task;
    }

    /** Queues the task for the key unless it is already queued (and not yet started). */
    void request(K key) {
        if (!queued.add(key)) {
            return;
        }
        try {
            executor.execute(() -> {
                // Removed before running: a request during the run queues a fresh evaluation.
                queued.remove(key);
                task.accept(key);
            });
        } catch (RejectedExecutionException e) {
            queued.remove(key); // the server is stopping
        }
    }

    /** Keys waiting to run; for tests and metrics. */
    int waiting() {
        return queued.size();
    }
}
