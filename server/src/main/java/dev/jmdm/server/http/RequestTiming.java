package dev.jmdm.server.http;

import dev.jmdm.server.metrics.Metrics;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;

/**
 * The outermost handler: counts the request as active until its exchange completes, times it by route class, and
 * starts the clock its body must arrive by.
 */
final class RequestTiming implements HttpHandler {
    private final Metrics metrics;
    private final Duration bodyTimeout;
    private final HttpHandler next;

    RequestTiming(Metrics metrics, Duration bodyTimeout, HttpHandler next) {
        this.metrics = metrics;
        this.bodyTimeout = bodyTimeout;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long start = System.nanoTime();
        metrics.requestStarted();
        exchange.addExchangeCompleteListener((ex, done) -> {
            try {
                metrics.requestEnded(routeClass(ex.getRequestPath()), ex.getStatusCode(), System.nanoTime() - start);
            } finally {
                done.proceed();
            }
        });
        Bodies.startDeadline(exchange, bodyTimeout);
        next.handleRequest(exchange);
    }

    /** A few classes, not paths: paths carry enrollment ids and UUIDs, which would make a meter per device. */
    static String routeClass(String path) {
        if (path.equals("/mdm/enroll")) {
            return "enroll";
        }
        if (path.equals("/mdm") || path.startsWith("/mdm/")) {
            return "device";
        }
        if (path.startsWith("/v1/") || path.equals("/migration") || path.equals("/metrics")) {
            return "admin";
        }
        return "other"; // health probes, /version, unknown paths
    }
}
