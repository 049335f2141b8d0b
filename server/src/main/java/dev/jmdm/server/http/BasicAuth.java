package dev.jmdm.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * HTTP Basic auth as nanomdm's API does it: user {@code nanomdm}, password the API key, so
 * tools written for nanomdm work unchanged. Compared in constant time.
 */
final class BasicAuth implements HttpHandler {
    static final String USER = "nanomdm";
    private static final String CHALLENGE = "Basic realm=\"nanomdm\"";

    private final byte[] expected;
    private final HttpHandler next;

    BasicAuth(String apiKey, HttpHandler next) {
        this.expected = (USER + ":" + apiKey).getBytes(StandardCharsets.UTF_8);
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!authorized(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION))) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, CHALLENGE);
            Json.error(exchange, 401, "unauthorized: HTTP Basic auth with user nanomdm and the API key required");
            return;
        }
        next.handleRequest(exchange);
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, expected);
    }
}
