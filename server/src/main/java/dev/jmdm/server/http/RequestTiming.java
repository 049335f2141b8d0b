package dev.jmdm.server.http;

import dev.jmdm.server.metrics.Metrics;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * The outermost handler: counts the request as active until its exchange completes and times it by route class.
 */
final class RequestTiming implements HttpHandler {
    private final Metrics metrics;
    private final HttpHandler next;

    RequestTiming(Metrics metrics, HttpHandler next) {
        this.metrics = metrics;
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
