package dev.jmdm.server.dep;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apple's DEP API (mdmenrollment.apple.com) for one server token. {@code GET /session} is signed with OAuth 1.0a
 * (HMAC-SHA1 over the token's consumer and access secrets); its {@code auth_session_token} goes in
 * {@code X-ADM-Auth-Session} on every other call, replaced whenever an answer carries a newer one. A 401, or a 403
 * saying {@code EXPIRED}/{@code FORBIDDEN}, gets one new session and one more try; 429 and 5xx are tried again with
 * exponential backoff (Retry-After honoured, within bounds) a bounded number of times. Not thread-safe: one sync
 * uses one client.
 */
public final class DepClient {
    private static final Logger LOG = LoggerFactory.getLogger(DepClient.class);
    static final ObjectMapper MAPPER = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** The largest answer read: a page of 1,000 devices is about half a megabyte. */
    static final int MAX_ANSWER = 16 * 1024 * 1024;
    static final String SESSION_HEADER = "X-ADM-Auth-Session";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * How hard to try. attempts: calls per request in all (the first included); backoff: the first wait, doubled each
     * time; maxWait: the longest wait, Retry-After included.
     */
    public record Retry(int attempts, Duration backoff, Duration maxWait, Duration timeout) {
        public static final Retry DEFAULT = new Retry(5, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(60));
    }

    /** One page of devices and where the next starts. */
    public record Page(List<DepDevice> devices, String cursor, boolean moreToFollow) {
    }

    private final URI base;
    private final DepToken token;
    private final HttpClient http;
    private final Retry retry;
    private final Clock clock;
    private String session;

    public DepClient(URI base, DepToken token, HttpClient http, Retry retry, Clock clock) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.token = token;
        this.http = http;
        this.retry = retry;
        this.clock = clock;
    }

    /** An HTTP client for the DEP API: connect timeout, redirects never followed (a redirect would carry the session). */
    public static HttpClient httpClient(Duration connectTimeout) {
        return HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** GET /account: the MDM server and organisation the token belongs to. */
    public JsonNode account() {
        return call("GET", "/account", null);
    }

    /** POST /server/devices: one page of every device assigned to this server; cursor null for the first. */
    public Page fetchDevices(String cursor, int limit) {
        return page(call("POST", "/server/devices", cursorBody(cursor, limit)));
    }

    /** POST /devices/sync: what changed since the cursor of an earlier fetch or sync. */
    public Page syncDevices(String cursor, int limit) {
        return page(call("POST", "/devices/sync", cursorBody(cursor, limit)));
    }

    /** POST /profile: defines an ADE profile; Apple's profile_uuid. */
    public String defineProfile(JsonNode profile) {
        JsonNode answer = call("POST", "/profile", profile);
        String uuid = answer.path("profile_uuid").asText("");
        if (uuid.isEmpty()) {
            throw new DepApiException(200, null, "POST /profile answered without a profile_uuid");
        }
        return uuid;
    }

    /** PUT /profile/devices: assigns a defined profile; each serial's outcome (SUCCESS, NOT_ACCESSIBLE, FAILED). */
    public Map<String, String> assignProfile(String profileUuid, List<String> serials) {
        ObjectNode body = MAPPER.createObjectNode().put("profile_uuid", profileUuid);
        serials.forEach(body.putArray("devices")::add);
        return outcomes(call("PUT", "/profile/devices", body));
    }

    /** POST /devices/disown: gives devices up for good; each serial's outcome. */
    public Map<String, String> disown(List<String> serials) {
        ObjectNode body = MAPPER.createObjectNode();
        serials.forEach(body.putArray("devices")::add);
        return outcomes(call("POST", "/devices/disown", body));
    }

    private static ObjectNode cursorBody(String cursor, int limit) {
        ObjectNode body = MAPPER.createObjectNode().put("limit", limit);
        if (cursor != null) {
            body.put("cursor", cursor);
        }
        return body;
    }

    private static Page page(JsonNode answer) {
        List<DepDevice> devices = new ArrayList<>();
        for (JsonNode d : answer.path("devices")) {
            DepDevice device = MAPPER.convertValue(d, DepDevice.class);
            if (device.serialNumber() != null && !device.serialNumber().isBlank()) {
                devices.add(device);
            }
        }
        String cursor = answer.path("cursor").asText(null);
        return new Page(devices, cursor, answer.path("more_to_follow").asBoolean(false));
    }

    private static Map<String, String> outcomes(JsonNode answer) {
        Map<String, String> out = new TreeMap<>();
        answer.path("devices").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** A call with the session, re-authenticating once when the session is refused. */
    JsonNode call(String method, String path, JsonNode body) {
        if (session == null) {
            authenticate();
        }
        try {
            return send(method, path, body);
        } catch (DepApiException e) {
            if (!sessionRefused(e)) {
                throw e;
            }
            LOG.info("DEP API refused the session ({} {}) on {} {}: authenticating again", e.status(), e.code(), method, path);
            authenticate();
            return send(method, path, body);
        }
    }

    private static boolean sessionRefused(DepApiException e) {
        return e.status() == 401 || (e.status() == 403 && ("EXPIRED".equals(e.code()) || "FORBIDDEN".equals(e.code())));
    }

    /** GET /session, signed with OAuth 1.0a. */
    void authenticate() {
        URI uri = base.resolve(base.getPath() + "/session");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(retry.timeout()).GET()
                .header("Authorization", oauthHeader("GET", uri))
                .header("X-Server-Protocol-Version", "3").build();
        JsonNode answer = json(exchange(request, "GET /session"), "GET /session");
        String t = answer.path("auth_session_token").asText("");
        if (t.isEmpty()) {
            throw new DepApiException(200, null, "GET /session answered without auth_session_token");
        }
        session = t;
    }

    private JsonNode send(String method, String path, JsonNode body) {
        URI uri = base.resolve(base.getPath() + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(retry.timeout())
                .header(SESSION_HEADER, session)
                .header("X-Server-Protocol-Version", "3")
                .header("Content-Type", "application/json;charset=UTF8");
        byte[] bytes = body == null ? null : write(body);
        b.method(method, bytes == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
        return json(exchange(b.build(), method + " " + path), method + " " + path);
    }

    private static byte[] write(JsonNode body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(byte[] answer, String what) {
        try {
            JsonNode n = MAPPER.readTree(answer);
            if (n == null || !n.isObject()) {
                throw new DepApiException(200, null, what + " answered something other than a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new DepApiException(200, null, what + " answered something other than JSON");
        }
    }

    /** Sends, retrying 429 and 5xx; the body of a 2xx, or the refusal as an exception. */
    private byte[] exchange(HttpRequest request, String what) {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<InputStream> response;
            byte[] body;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = response.body()) {
                    body = in.readNBytes(MAX_ANSWER + 1);
                }
            } catch (IOException e) {
                if (attempt >= retry.attempts()) {
                    throw new DepApiException(what + ": the DEP API did not answer: " + e, e);
                }
                sleep(backoff(attempt), what);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DepApiException(what + ": interrupted", e);
            }
            if (body.length > MAX_ANSWER) {
                throw new DepApiException(response.statusCode(), null, what + ": answer larger than " + MAX_ANSWER + " bytes");
            }
            response.headers().firstValue(SESSION_HEADER).filter(s -> !s.isBlank()).ifPresent(s -> session = s);
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return body;
            }
            String code = errorCode(body);
            if ((status == 429 || status >= 500) && attempt < retry.attempts()) {
                Duration wait = retryAfter(response).orElse(backoff(attempt));
                LOG.info("DEP API answered {} to {}; trying again in {} ms ({} of {})", status, what, wait.toMillis(), attempt,
                        retry.attempts());
                sleep(wait, what);
                continue;
            }
            throw new DepApiException(status, code, what + ": DEP API answered " + status + (code == null ? "" : " " + code));
        }
    }

    private Duration backoff(int attempt) {
        long ms = retry.backoff().toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(ms, retry.maxWait().toMillis()));
    }

    /** Retry-After in seconds or as an HTTP date, capped at maxWait; empty when absent or unreadable. */
    private java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(String::trim).flatMap(v -> {
            try {
                return java.util.Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
            } catch (NumberFormatException notSeconds) {
                try {
                    long at = java.time.ZonedDateTime.parse(v, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                    return java.util.Optional.of(Duration.ofMillis(Math.max(0, at - clock.millis())));
                } catch (java.time.format.DateTimeParseException unreadable) {
                    return java.util.Optional.empty();
                }
            }
        }).map(d -> d.compareTo(retry.maxWait()) > 0 ? retry.maxWait() : d);
    }

    private static void sleep(Duration d, String what) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DepApiException(what + ": interrupted", e);
        }
    }

    /** Apple's error word: the body itself (MALFORMED_CURSOR) or a JSON body's code/error field. */
    static String errorCode(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8).trim();
        if (text.startsWith("{")) {
            try {
                JsonNode n = MAPPER.readTree(text);
                for (String f : List.of("code", "error", "error_code")) {
                    if (n.hasNonNull(f) && n.get(f).isTextual()) {
                        return n.get(f).asText();
                    }
                }
            } catch (IOException ignored) {
                return null;
            }
            return null;
        }
        if (text.startsWith("\"") && text.endsWith("\"") && text.length() > 1) {
            text = text.substring(1, text.length() - 1);
        }
        return text.matches("[A-Z][A-Z0-9_]{1,63}") ? text : null;
    }

    String oauthHeader(String method, URI uri) {
        Map<String, String> params = new TreeMap<>();
        params.put("oauth_consumer_key", token.consumerKey());
        params.put("oauth_token", token.accessToken());
        params.put("oauth_signature_method", "HMAC-SHA1");
        params.put("oauth_timestamp", Long.toString(clock.millis() / 1000));
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        params.put("oauth_nonce", java.util.HexFormat.of().formatHex(nonce));
        params.put("oauth_version", "1.0");
        params.put("oauth_signature", signature(method, uri, params, token.consumerSecret(), token.accessSecret()));
        StringBuilder h = new StringBuilder("OAuth realm=\"ADM\"");
        params.forEach((k, v) -> h.append(", ").append(k).append("=\"").append(encode(v)).append('"'));
        return h.toString();
    }

    /** OAuth 1.0a HMAC-SHA1 (RFC 5849 §3.4): method, base URL and the sorted, encoded parameters. */
    static String signature(String method, URI uri, Map<String, String> oauthParams, String consumerSecret, String tokenSecret) {
        Map<String, String> sorted = new TreeMap<>();
        oauthParams.forEach((k, v) -> sorted.put(encode(k), encode(v)));
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                sorted.put(encode(decode(kv[0])), encode(kv.length > 1 ? decode(kv[1]) : ""));
            }
        }
        StringBuilder normalized = new StringBuilder();
        sorted.forEach((k, v) -> normalized.append(normalized.length() == 0 ? "" : "&").append(k).append('=').append(v));
        String baseUrl = uri.getScheme().toLowerCase() + "://" + uri.getRawAuthority().toLowerCase() + uri.getRawPath();
        String baseString = method.toUpperCase() + "&" + encode(baseUrl) + "&" + encode(normalized.toString());
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec((encode(consumerSecret) + "&" + encode(tokenSecret)).getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(baseString.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 3986 percent-encoding, as OAuth 1.0a wants it (space as %20, ~ kept). */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
