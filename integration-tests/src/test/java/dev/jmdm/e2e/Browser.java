package dev.jmdm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmdm.sim.AdminClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The admin API as the console uses it: sign in with email and password, then send the session cookie (and the CSRF
 * token on every state-changing request) as a browser would. Every answer is checked against the OpenAPI document.
 */
final class Browser {
    static final ObjectMapper JSON = new ObjectMapper();

    /** An answer with the Set-Cookie headers it carried. */
    record Answer(int status, JsonNode json, String body, List<String> setCookies, Map<String, List<String>> headers) {
    }

    private final HttpClient http;
    private final URI base;
    String cookie;
    String csrf;

    Browser(HttpClient http, URI base) {
        this.http = http;
        this.base = base;
    }

    Answer signIn(String email, String password) {
        Answer a = send("POST", "/v1/session", Map.of("email", email, "password", password), false);
        if (a.status() == 200) {
            cookie = sessionCookie(a);
            csrf = a.json().get("csrf_token").asText();
        }
        return a;
    }

    /** The cookie's value as the server set it (the first attribute of its Set-Cookie). */
    static String sessionCookie(Answer a) {
        return a.setCookies().stream().filter(c -> c.startsWith("jmdm_session=")).findFirst()
                .map(c -> c.substring("jmdm_session=".length()).split(";", 2)[0]).orElseThrow();
    }

    Answer get(String path) {
        return send("GET", path, null, false);
    }

    /** With the session's CSRF token. */
    Answer call(String method, String path, Object body) {
        return send(method, path, body, true);
    }

    Answer send(String method, String path, Object body, boolean withCsrf) {
        return send(method, path, body, withCsrf ? csrf : null);
    }

    Answer send(String method, String path, Object body, String csrfHeader) {
        try {
            byte[] bytes = body == null ? null : JSON.writeValueAsBytes(body);
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                    .method(method, bytes == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
            if (bytes != null) {
                b.header("Content-Type", "application/json");
            }
            if (cookie != null) {
                b.header("Cookie", "jmdm_session=" + cookie);
            }
            if (csrfHeader != null) {
                b.header("X-CSRF-Token", csrfHeader);
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode json = null;
            try {
                json = r.body().isEmpty() ? null : JSON.readTree(r.body());
            } catch (IOException notJson) {
                // left null
            }
            ApiContract.INSTANCE.answered(method, path, new AdminClient.Reply(r.statusCode(), json, r.body()));
            return new Answer(r.statusCode(), json, r.body(), r.headers().allValues("set-cookie"), r.headers().map());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
