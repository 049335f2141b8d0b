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
 * certificate that may not speak for the enrollment it names a 401, a stored secret this server's
 * key does not open a 503 (its configuration is at fault, not the request), and anything
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
            if (t instanceof HttpError e) {
                status = e.status();
                message = e.getMessage();
            } else if (t instanceof DeviceAuthException) {
                status = 401;
                message = t.getMessage();
            } else if (t instanceof UnreadableSecretException) {
                status = 503;
                message = t.getMessage();
                LOG.warn("{} {}: {}", exchange.getRequestMethod(), exchange.getRequestPath(), message);
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
}
