package dev.jmdm.server.concurrent;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of daemon threads behind a bounded queue. Work offered while the queue is full is dropped, counted
 * and logged (at most one line per {@link #LOG_EVERY_MS}), so a burst costs a bounded amount of memory instead of a
 * queue that grows until the heap is gone. Only for work that something else repeats if it is lost.
 */
public final class BoundedExecutor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BoundedExecutor.class);
    static final long LOG_EVERY_MS = 10_000;

    private final String name;
    private final String ifShed;
    private final ThreadPoolExecutor pool;
    private final Runnable onShed;
    private final AtomicLong shed = new AtomicLong();
    private final AtomicLong lastLog = new AtomicLong(Long.MIN_VALUE / 2);

    /**
     * @param ifShed what happens to shed work instead, for the log line ("the re-push sweep pushes it later")
     * @param onShed counts each shed task (a metric)
     */
    public BoundedExecutor(String name, int threads, int queueCapacity, String ifShed, Runnable onShed) {
        this.name = name;
        this.ifShed = ifShed;
        this.onShed = onShed;
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }, (task, executor) -> reject(executor));
        pool.allowCoreThreadTimeOut(true);
    }

    private void reject(ThreadPoolExecutor executor) {
        if (executor.isShutdown()) {
            return; // the server is stopping: nothing to count
        }
        long total = shed.incrementAndGet();
        onShed.run();
        long now = System.currentTimeMillis();
        long last = lastLog.get();
        if (now - last >= LOG_EVERY_MS && lastLog.compareAndSet(last, now)) {
            LOG.warn("{}: queue full ({} waiting), work shed ({} so far); {}", name, executor.getQueue().size(), total, ifShed);
        }
    }

    /** Runs the task soon, or sheds it when the queue is full (or the executor is closed); never blocks or throws. */
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /** Tasks shed so far. */
    public long shed() {
        return shed.get();
    }

    /** For tests and shutdown: the executor underneath. */
    ExecutorService pool() {
        return pool;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
