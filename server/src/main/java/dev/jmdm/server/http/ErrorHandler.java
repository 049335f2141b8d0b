package dev.jmdm.server.http;

import dev.jmdm.server.device.DeviceAuthException;
import dev.jmdm.server.identity.IdentityException;
import dev.jmdm.server.plist.PlistException;
import dev.jmdm.server.protocol.ProtocolException;
import dev.jmdm.server.secrets.UnreadableSecretException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns exceptions into answers: bad input is a 400 (413 for size) with a JSON message, a
 * device request refused for who sent it a 403 ({@link DeviceAuthException}: with Apple's
 * unenroll code only for a device the server does not know), a stored secret this server's
 * key does not open a 503 (its configuration is at fault, not the request), so is a database pool
 * that had no connection free in time (with Retry-After), and anything
 * unexpected is a 500 whose details stay in the log, never in the answer.
 */
final class ErrorHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);

    private final HttpHandler next;

    ErrorHandler(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        try {
            next.handleRequest(exchange);
        } catch (Throwable t) {
            int status;
            String message;
            if (t instanceof DeviceAuthException e && e.unrecognized() && !exchange.isResponseStarted()) {
                LOG.info("{} {} refused with 403 ({}): {}", exchange.getRequestMethod(), exchange.getRequestPath(),
                        DeviceAuthException.UNRECOGNIZED_DEVICE, e.getMessage());
                Json.send(exchange, 403, unrecognizedDevice(e.getMessage()));
                return;
            }
            if (t instanceof HttpError e) {
                status = e.status();
                message = e.getMessage();
            } else if (t instanceof DeviceAuthException) {
                status = 403;
                message = t.getMessage();
            } else if (t instanceof UnreadableSecretException) {
                status = 503;
                message = t.getMessage();
                LOG.warn("{} {}: {}", exchange.getRequestMethod(), exchange.getRequestPath(), message);
            } else if (poolExhausted(t)) {
                // Every pooled connection stayed busy for the pool's whole wait: the server is overloaded, not
                // broken, and the same request may well succeed shortly (devices retry on their own).
                status = 503;
                message = "the server is busy (no database connection came free in time); try again shortly";
                LOG.warn("{} {}: no database connection free in time ({})", exchange.getRequestMethod(), exchange.getRequestPath(),
                        "raise MDM_DB_POOL, or look at the database, if this repeats");
                if (!exchange.isResponseStarted()) {
                    exchange.getResponseHeaders().put(io.undertow.util.Headers.RETRY_AFTER, "5");
                }
            } else if (t instanceof PlistException || t instanceof ProtocolException || t instanceof IdentityException) {
                status = 400;
                message = t.getMessage();
            } else {
                status = 500;
                message = "internal server error";
                LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), t);
            }
            if (status < 500) {
                LOG.info("{} {} refused with {}: {}", exchange.getRequestMethod(), exchange.getRequestPath(), status, message);
            }
            if (exchange.isResponseStarted()) {
                exchange.endExchange();
                return;
            }
            Json.error(exchange, status, message);
        }
    }

    /** Hikari's "connection is not available, request timed out", however JDBI wrapped it. */
    static boolean poolExhausted(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.sql.SQLTransientConnectionException) {
                return true;
            }
        }
        return false;
    }

    /** Apple's ErrorUnrecognizedDevice body (see {@link AdminAnswers.UnrecognizedDevice}). */
    static AdminAnswers.UnrecognizedDevice unrecognizedDevice(String why) {
        return new AdminAnswers.UnrecognizedDevice(DeviceAuthException.UNRECOGNIZED_DEVICE, why, why);
    }
}
