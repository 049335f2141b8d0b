package dev.jmdm.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * JSON answers. Every answer is an immutable record encoded by this one mapper: record components are
 * named in snake_case on the wire, times are ISO-8601 strings the answers carry already (see {@link #time}),
 * and null fields are left out, as nanomdm's API does. The OpenAPI document (openapi.json) describes them.
 */
public final class Json {
    /** The one mapper for answers (and the JSON bodies the admin API reads). */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }

    public static void send(HttpServerExchange exchange, int status, Object body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode JSON answer", e);
        }
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
    }

    public static void error(HttpServerExchange exchange, int status, String message) {
        send(exchange, status, new Error(message));
    }

    /** Every refusal's body. */
    public record Error(String error) {
    }

    /** Epoch milliseconds as ISO-8601 UTC, null stays null. */
    public static String time(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }
}
