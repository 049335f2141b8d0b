package dev.jmdm.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * Bounds how long a request's body may take to arrive (MDM_BODY_TIMEOUT). Bodies are read with blocking reads on a
 * worker thread, so a client that sends its headers and then a body slowly, or not at all, would hold that worker
 * for as long as it likes. At the deadline a request whose body is still unread has its connection closed (for
 * HTTP/2, its stream reset); the blocked read then ends and {@link Bodies} answers 408.
 */
final class BodyDeadline implements HttpHandler {
    private final Duration timeout;
    private final HttpHandler next;

    BodyDeadline(Duration timeout, HttpHandler next) {
        this.timeout = timeout;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Bodies.startDeadline(exchange, timeout);
        if (!exchange.isRequestComplete()) { // requests without a body are complete already
            XnioExecutor.Key watchdog = exchange.getIoThread().executeAfter(() -> {
                if (!exchange.isRequestComplete() && !exchange.isComplete()) {
                    IoUtils.safeClose(exchange.getConnection());
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            exchange.addExchangeCompleteListener((ex, done) -> {
                watchdog.remove();
                done.proceed();
            });
        }
        next.handleRequest(exchange);
    }
}
