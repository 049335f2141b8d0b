package dev.jmdm.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.util.Deque;

/** Reading path parameters, query parameters and JSON bodies, with 400s that say what is wrong. */
public final class Requests {
    private Requests() {
    }

    public static String pathParam(HttpServerExchange exchange, String name) {
        String v = query(exchange, name);
        if (v == null || v.isEmpty()) {
            throw new HttpError(400, "missing " + name + " in path");
        }
        return v;
    }

    public static String query(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.peekFirst();
    }

    /** An integer query parameter within bounds, or the default when absent. */
    public static int intQuery(HttpServerExchange exchange, String name, int defaultValue, int min, int max) {
        String v = query(exchange, name);
        if (v == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new HttpError(400, name + " must be a number from " + min + " to " + max);
    }

    /** The body as JSON (an object), bounded by maxBytes. */
    public static JsonNode jsonBody(HttpServerExchange exchange, long maxBytes) throws IOException {
        byte[] body = Bodies.read(exchange, maxBytes);
        if (body.length == 0) {
            throw new HttpError(400, "a JSON body is required");
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw new HttpError(400, "the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The raw body, bounded by maxBytes. */
    public static byte[] body(HttpServerExchange exchange, long maxBytes) throws IOException {
        return Bodies.read(exchange, maxBytes);
    }
}
