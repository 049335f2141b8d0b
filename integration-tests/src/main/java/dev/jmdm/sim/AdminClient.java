package dev.jmdm.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.stream.Collectors;

/** The admin API as a tool uses it: Basic auth (nanomdm's user or a named key), JSON answers. */
public final class AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;
    private final String authorization;
    private final Observer observer;

    public AdminClient(HttpClient http, URI base, String apiKey) {
        this(http, base, "nanomdm", apiKey);
    }

    /** A client for a named key (MDM_API_KEYS): the user name is the key's name. */
    public AdminClient(HttpClient http, URI base, String user, String key) {
        this(http, base, "Basic " + Base64.getEncoder().encodeToString((user + ":" + key).getBytes(StandardCharsets.UTF_8)),
                (method, path, reply) -> { });
    }

    private AdminClient(HttpClient http, URI base, String authorization, Observer observer) {
        this.http = http;
        this.base = base;
        this.authorization = authorization;
        this.observer = observer;
    }

    /** Sees every answer this client gets, e.g. to check it against the API's documented contract. */
    @FunctionalInterface
    public interface Observer {
        void answered(String method, String pathAndQuery, Reply reply);
    }

    /** This client, with every answer also shown to the observer (which may fail the call by throwing). */
    public AdminClient observed(Observer observer) {
        return new AdminClient(http, base, authorization, observer);
    }

    /** An answer: status and body parsed as JSON (null when the body is not JSON). */
    public record Reply(int status, JsonNode json, String body) {
    }

    public Reply enqueue(byte[] commandPlist, Collection<String> ids, boolean noPush) {
        return send("PUT", "/v1/enqueue/" + joinIds(ids) + (noPush ? "?nopush=1" : ""), commandPlist);
    }

    public Reply push(Collection<String> ids) {
        return send("GET", "/v1/push/" + joinIds(ids), null);
    }

    public Reply command(String uuid) {
        return send("GET", "/v1/commands/" + encode(uuid), null);
    }

    public Reply enrollments(String query) {
        return send("GET", "/v1/enrollments" + (query == null ? "" : "?" + query), null);
    }

    public Reply queue(String enrollmentId) {
        return send("GET", "/v1/enrollments/" + encode(enrollmentId) + "/queue", null);
    }

    public Reply cancel(String enrollmentId, String uuid) {
        return send("DELETE", "/v1/enrollments/" + encode(enrollmentId) + "/queue/" + encode(uuid), null);
    }

    /** The certificate bound to the enrollment's device and any re-bind grant it holds. */
    public Reply certificate(String enrollmentId) {
        return send("GET", "/v1/enrollments/" + encode(enrollmentId) + "/certificate", null);
    }

    /** Releases the device's certificate binding, so that its next Authenticate binds a new one. */
    public Reply releaseCertificate(String enrollmentId) {
        return send("DELETE", "/v1/enrollments/" + encode(enrollmentId) + "/certificate", null);
    }

    /** Lets the device's next Authenticate within the window bind a renewed certificate. */
    public Reply allowRenewal(String enrollmentId) {
        return send("POST", "/v1/enrollments/" + encode(enrollmentId) + "/certificate/renewal", null);
    }

    /** Any request: for endpoints this client has no method for. */
    public Reply send(String method, String pathAndQuery, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(60))
                .header("Authorization", authorization)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = r.body().isEmpty() ? null : JSON.readTree(r.body());
            } catch (IOException notJson) {
                // left null: the caller sees the raw body
            }
            Reply reply = new Reply(r.statusCode(), json, r.body());
            observer.answered(method, pathAndQuery, reply);
            return reply;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(method + " " + pathAndQuery + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String joinIds(Collection<String> ids) {
        return ids.stream().map(AdminClient::encode).collect(Collectors.joining(","));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
