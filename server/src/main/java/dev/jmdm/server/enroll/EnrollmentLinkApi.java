package dev.jmdm.server.enroll;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.http.ApiRoutes;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
import dev.jmdm.server.http.Requests;
import io.undertow.server.HttpServerExchange;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code POST /v1/enrollment-links} (JSON {@code {"expires_at"?, "max_uses"?, "note"?}}, all optional) answers 201
 * with the link, its token and its URL; the token is never shown again. {@code GET /v1/enrollment-links} lists the
 * links without tokens; {@code DELETE /v1/enrollment-links/{id}} revokes one (the row stays, as a record).
 */
final class EnrollmentLinkApi implements ApiRoutes {
    static final int MAX_NOTE = 1000;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("expires_at", "max_uses", "note");
    /** The latest expiry a link may have: four-digit years keep it readable and far inside a long's milliseconds. */
    static final Instant LATEST_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");

    private final EnrollmentLinks links;
    private final Supplier<URI> baseUrl;
    private final long maxBody;

    EnrollmentLinkApi(EnrollmentLinks links, Supplier<URI> baseUrl, long maxBody) {
        this.links = links;
        this.baseUrl = baseUrl;
        this.maxBody = maxBody;
    }

    @Override
    public void register(ApiRouter router) {
        router.post("/v1/enrollment-links", this::create)
                .get("/v1/enrollment-links", this::list)
                .get("/v1/enrollment-links/{id}", this::get)
                .delete("/v1/enrollment-links/{id}", this::revoke);
    }

    private void create(HttpServerExchange exchange) throws Exception {
        JsonNode body = body(Requests.body(exchange, maxBody));
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                unknown.add(f);
            }
        }
        if (!unknown.isEmpty()) {
            throw new HttpError(400, "unknown fields " + unknown + "; allowed: expires_at, max_uses, note");
        }
        Instant expiresAt = null;
        JsonNode e = body.get("expires_at");
        if (e != null && !e.isNull()) {
            expiresAt = instant(e);
            if (!expiresAt.isAfter(Instant.ofEpochMilli(links.now()))) {
                throw new HttpError(400, "expires_at " + expiresAt + " is not in the future");
            }
        }
        Integer maxUses = null;
        JsonNode m = body.get("max_uses");
        if (m != null && !m.isNull()) {
            if (!m.canConvertToInt() || !m.isIntegralNumber() || m.intValue() < 1) {
                throw new HttpError(400, "max_uses must be a whole number of at least 1");
            }
            maxUses = m.intValue();
        }
        String note = null;
        JsonNode n = body.get("note");
        if (n != null && !n.isNull()) {
            if (!n.isTextual() || n.textValue().length() > MAX_NOTE) {
                throw new HttpError(400, "note must be a string of at most " + MAX_NOTE + " characters");
            }
            note = n.textValue();
        }
        EnrollmentLinks.Created created = links.create(expiresAt, maxUses, note);
        Json.send(exchange, 201, json(created.link(), created.token(),
                baseUrl.get() + "/mdm/enroll?token=" + URLEncoder.encode(created.token(), StandardCharsets.UTF_8)));
    }

    private void list(HttpServerExchange exchange) {
        Json.send(exchange, 200, new EnrollmentLinkAnswers.EnrollmentLinks(links.all().stream().map(this::json).toList()));
    }

    private void get(HttpServerExchange exchange) {
        String id = Requests.pathParam(exchange, "id");
        Json.send(exchange, 200, json(links.find(id).orElseThrow(() -> notFound(id))));
    }

    private void revoke(HttpServerExchange exchange) {
        String id = Requests.pathParam(exchange, "id");
        Json.send(exchange, 200, json(links.revoke(id).orElseThrow(() -> notFound(id))));
    }

    private static HttpError notFound(String id) {
        return new HttpError(404, "no enrollment link " + id);
    }

    private EnrollmentLinkAnswers.EnrollmentLink json(EnrollmentLinkStore.Link l) {
        return json(l, null, null);
    }

    private EnrollmentLinkAnswers.EnrollmentLink json(EnrollmentLinkStore.Link l, String token, String url) {
        long now = links.now();
        String status = l.revokedAt() != null ? "revoked"
                : l.expiresAt() != null && l.expiresAt() <= now ? "expired"
                : l.maxUses() != null && l.uses() >= l.maxUses() ? "used_up" : "active";
        return new EnrollmentLinkAnswers.EnrollmentLink(l.id(), status, l.note(), time(l.createdAt()), time(l.expiresAt()), l.maxUses(), l.uses(), time(l.lastUsedAt()),
                time(l.revokedAt()), token, url, url == null ? null : QrSvg.of(url));
    }

    private static String time(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }

    private static JsonNode body(byte[] bytes) {
        if (bytes.length == 0) {
            return MAPPER.createObjectNode();
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new HttpError(400, "the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Instant instant(JsonNode node) {
        if (node.isTextual()) {
            Instant parsed;
            try {
                parsed = OffsetDateTime.parse(node.textValue()).toInstant();
            } catch (DateTimeParseException ignored) {
                parsed = null; // reported below
            }
            // ISO-8601 reaches year 999999999, past what epoch milliseconds (the stored form) can hold.
            if (parsed != null && parsed.isAfter(LATEST_EXPIRY)) {
                throw new HttpError(400, "expires_at " + node.textValue() + " is too far ahead; give a time before " + LATEST_EXPIRY);
            }
            if (parsed != null) {
                return parsed;
            }
        }
        throw new HttpError(400, "expires_at must be an ISO-8601 time with a zone, e.g. 2030-01-31T12:00:00Z");
    }
}
