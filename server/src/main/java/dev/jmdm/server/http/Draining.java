package dev.jmdm.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the requests under way so a stop can wait for them, and refuses new ones once the stop has
 * begun: a 503 with a JSON error and {@code Retry-After}, so a device or script knows to come back
 * (to this server after a restart, or another behind the balancer). Undertow's own
 * GracefulShutdownHandler answers a bare 503 with no body and no hint.
 */
final class Draining implements HttpHandler {
    /** Seconds a refused client is asked to wait: about a restart. */
    static final String RETRY_AFTER = "5";

    private final HttpHandler next;
    private final AtomicLong active = new AtomicLong();
    private final Object idle = new Object();
    private volatile boolean stopping;

    Draining(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        // Counted before the flag is read: a stop that sets the flag and then waits for the count sees every
        // request either counted (it finishes) or refused.
        active.incrementAndGet();
        if (stopping) {
            done();
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER);
            Json.error(exchange, 503, "the server is stopping; try again in a few seconds");
            return;
        }
        exchange.addExchangeCompleteListener((ex, nextListener) -> {
            try {
                nextListener.proceed();
            } finally {
                done();
            }
        });
        next.handleRequest(exchange);
    }

    private void done() {
        if (active.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /** Refuses new requests from now on. */
    void shutdown() {
        stopping = true;
    }

    /** Waits until no request is under way, at most {@code millis}; whether none is. */
    boolean awaitShutdown(long millis) throws InterruptedException {
        long until = System.nanoTime() + millis * 1_000_000;
        synchronized (idle) {
            while (active.get() > 0) {
                long left = (until - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                idle.wait(left);
            }
        }
        return true;
    }
}
