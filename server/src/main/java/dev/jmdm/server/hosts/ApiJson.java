package dev.jmdm.server.hosts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.server.HttpServerExchange;
import java.time.Instant;
import java.util.Map;

/** JSON helpers of this package: times, stored facts, and who is calling. */
final class ApiJson {
    static final ObjectMapper MAPPER = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
    /** The actor when a request carries no principal (cannot happen behind the admin API's door). */
    static final String DEFAULT_ACTOR = "nanomdm";

    private ApiJson() {
    }

    static String time(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode facts", e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readMap(String json) {
        try {
            return MAPPER.readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored facts are not JSON", e);
        }
    }

    /**
     * Who is calling: the principal the admin API's door attached (the signed-in user's email, or the API key's
     * Basic user name: {@code nanomdm} for MDM_API_KEY, the key's name for MDM_API_KEYS).
     */
    static String actor(HttpServerExchange exchange) {
        dev.jmdm.server.http.Principal principal = dev.jmdm.server.http.Principal.of(exchange);
        return principal != null ? principal.name() : DEFAULT_ACTOR;
    }
}
