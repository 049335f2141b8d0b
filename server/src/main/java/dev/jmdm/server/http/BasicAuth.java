package dev.jmdm.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * HTTP Basic auth as nanomdm's API does it (user {@code nanomdm}, password the API key, so tools
 * written for nanomdm work unchanged), plus named keys whose user name is the key's name.
 * Compared in constant time against every credential, so timing tells nothing about which exists.
 */
final class BasicAuth implements HttpHandler {
    private static final String CHALLENGE = "Basic realm=\"nanomdm\"";

    private final List<byte[]> expected;
    private final HttpHandler next;

    /** @param keys Basic user name to key */
    BasicAuth(Map<String, String> keys, HttpHandler next) {
        this.expected = keys.entrySet().stream().map(e -> (e.getKey() + ":" + e.getValue()).getBytes(StandardCharsets.UTF_8)).toList();
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!authorized(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION))) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, CHALLENGE);
            Json.error(exchange, 401, "unauthorized: HTTP Basic auth with user nanomdm and MDM_API_KEY, or a named key of MDM_API_KEYS, required");
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
        boolean match = false;
        for (byte[] credential : expected) {
            match |= MessageDigest.isEqual(given, credential);
        }
        return match;
    }
}
