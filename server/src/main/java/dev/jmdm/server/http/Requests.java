package dev.jmdm.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.PathTemplateMatch;
import java.io.IOException;
import java.util.Deque;

/** Reading path parameters, query parameters and JSON bodies, with 400s that say what is wrong. */
public final class Requests {
    private Requests() {
    }

    /**
     * A parameter of the route's path template, from the match alone. Undertow's router can also copy it into
     * the query parameters, after any the client sent under the same name, so {@code /v1/hosts/A?id=B} would
     * read B; the router is built without that copy and every handler reads its path through here.
     */
    public static String pathParam(HttpServerExchange exchange, String name) {
        PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
        String v = match == null ? null : match.getParameters().get(name);
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
