package dev.jmdm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The admin API over HTTP: Basic auth, JSON in and out. A non-2xx answer becomes an {@link ApiException}
 * carrying the server's {@code error} text (or {@code command_error} on the nanomdm-shaped calls), so every
 * command reports a refusal as one line.
 */
public final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

    private final URI base;
    private final String authorization;
    private final HttpClient http;

    public ApiClient(URI base, String user, String apiKey, SSLContext tls) {
        this.base = base;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + apiKey).getBytes(StandardCharsets.UTF_8));
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
    }

    /** An answer: status, content type and bytes. */
    public record Reply(int status, String contentType, byte[] body) {
        public JsonNode json() {
            if (body.length == 0) {
                return NullNode.getInstance();
            }
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new ApiException(status, "the server answered " + status + " with a body that is not JSON");
            }
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    public static com.fasterxml.jackson.databind.node.ArrayNode jsonArray() {
        return JSON.createArrayNode();
    }

    public JsonNode get(String path) {
        return call("GET", path, null, null).json();
    }

    public JsonNode delete(String path) {
        return call("DELETE", path, null, null).json();
    }

    public JsonNode postJson(String path, Object body) {
        return call("POST", path, json(body), "application/json").json();
    }

    public JsonNode putJson(String path, Object body) {
        return call("PUT", path, json(body), "application/json").json();
    }

    /** Any call; refusals (not 2xx) throw. */
    public Reply call(String method, String path, byte[] body, String contentType, String... headers) {
        Reply r = send(method, path, body, contentType, headers);
        if (r.status() / 100 != 2) {
            throw new ApiException(r.status(), errorText(r));
        }
        return r;
    }

    /** Any call, refusals returned as they are (207 and friends need their body). */
    public Reply send(String method, String path, byte[] body, String contentType, String... headers) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", authorization).header("Accept", "application/json");
        if (contentType != null) {
            rb.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            rb.header(headers[i], headers[i + 1]);
        }
        rb.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(resp.statusCode(), resp.headers().firstValue("Content-Type").orElse(""), resp.body());
        } catch (IOException e) {
            throw new ApiException(0, "cannot reach " + base + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "interrupted");
        }
    }

    public URI base() {
        return base;
    }

    /** A query string from pairs, leaving out null and empty values. */
    public static String query(String path, Map<String, ?> params) {
        StringBuilder sb = new StringBuilder(path);
        char sep = path.contains("?") ? '&' : '?';
        for (Map.Entry<String, ?> e : params.entrySet()) {
            if (e.getValue() == null || e.getValue().toString().isEmpty()) {
                continue;
            }
            sb.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue().toString(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return sb.toString();
    }

    /** A path segment, percent-encoded (identifiers and serials may hold anything but '/', '?' and '#'). */
    public static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public static Map<String, Object> params(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static byte[] json(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String errorText(Reply r) {
        try {
            JsonNode n = JSON.readTree(r.body());
            for (String key : new String[] {"error", "command_error"}) {
                if (n != null && n.hasNonNull(key)) {
                    StringBuilder sb = new StringBuilder(n.get(key).asText());
                    if (n.has("problems") && n.get("problems").isArray()) {
                        for (JsonNode p : n.get("problems")) {
                            sb.append("; ").append(p.path("path").asText()).append(": ").append(p.path("message").asText());
                        }
                    }
                    return sb.toString();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: fall through to the status line
        }
        String text = new String(r.body(), StandardCharsets.UTF_8).strip();
        return "the server answered " + r.status() + (text.isEmpty() || text.length() > 200 ? "" : ": " + text);
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
