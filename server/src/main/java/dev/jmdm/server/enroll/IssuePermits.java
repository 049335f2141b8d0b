package dev.jmdm.server.enroll;

import dev.jmdm.server.http.HttpError;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.concurrent.Semaphore;

/**
 * Bounds how many enrollment profiles are built at once. Each makes an RSA-2048 key, tens of milliseconds of one core,
 * and {@code /mdm/enroll} needs no auth: unbounded, a flood of downloads would pin every core and starve device
 * check-ins. Past the limit the answer is 503 with Retry-After at once; waiting would only hold worker threads.
 */
final class IssuePermits {
    /** One profile per core: key generation is CPU-bound, more at once would not finish sooner. */
    static final int DEFAULT_PERMITS = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** What the refusal tells clients to wait: a key takes well under a second, so the queue will have moved. */
    static final int RETRY_AFTER_SECONDS = 2;

    private final Semaphore permits;
    private final Runnable onBusy;

    /** @param onBusy counts a refusal (a metric) */
    IssuePermits(int permits, Runnable onBusy) {
        this.permits = new Semaphore(permits);
        this.onBusy = onBusy;
    }

    /** Takes a permit, the caller must {@link #release} it; or refuses with 503 and Retry-After. */
    void acquire(HttpServerExchange exchange) {
        if (!permits.tryAcquire()) {
            onBusy.run();
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
            throw new HttpError(503, "too many enrollment profiles are being made right now; try again in "
                    + RETRY_AFTER_SECONDS + " seconds");
        }
    }

    void release() {
        permits.release();
    }
}
