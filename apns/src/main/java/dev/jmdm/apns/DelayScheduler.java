package dev.jmdm.apns;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Waits without holding a thread. A seam so tests can see the backoff a retry asked for without sleeping through it. */
interface DelayScheduler {
    /** A future that completes once {@code delay} has passed. */
    CompletableFuture<Void> after(Duration delay);

    DelayScheduler SYSTEM = delay -> CompletableFuture.runAsync(() -> { },
            CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS));
}
