package dev.jmdm.server.hosts;

import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
import dev.jmdm.server.http.Requests;
import dev.jmdm.server.storage.CertBindingStore;
import dev.jmdm.server.storage.HostRecord;
import dev.jmdm.server.storage.HostStore;
import io.undertow.server.HttpServerExchange;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which certificate speaks for a device, and the two ways an admin lets a new one take over
 * (see {@code CertificateBinder}): releasing the binding (the device is wiped or lost its
 * identity; the old certificate stops working at once) or opening a renewal window (the device
 * is about to install a new identity; the old one works until the re-bind). Both are audited.
 */
final class CertificateBindingApi {
    static final int DEFAULT_RENEWAL_HOURS = 24;
    static final int MAX_RENEWAL_HOURS = 24 * 30;

    private final CertBindingStore bindings;
    private final HostStore hosts;
    private final AuditLog audit;
    private final Clock clock;

    CertificateBindingApi(CertBindingStore bindings, HostStore hosts, AuditLog audit, Clock clock) {
        this.bindings = bindings;
        this.hosts = hosts;
        this.audit = audit;
        this.clock = clock;
    }

    /** GET /v1/enrollments/{id}/certificate */
    void show(HttpServerExchange exchange) {
        String device = device(exchange);
        Json.send(exchange, 200, state(device, null));
    }

    /** DELETE /v1/enrollments/{id}/certificate */
    void release(HttpServerExchange exchange) {
        String device = device(exchange);
        String actor = ApiJson.actor(exchange);
        Optional<String> was = bindings.release(device, "admin", actor);
        Map<String, Object> detail = new LinkedHashMap<>(); // audit detail; a null value stays out of the stored JSON
        detail.put("released_sha256", was.orElse(null));
        record(actor, "enrollments.certificate.release", device, detail);
        Json.send(exchange, 200, state(device, was.orElse(null)));
    }

    /** POST /v1/enrollments/{id}/certificate/renewal[?hours=24] */
    void allowRenewal(HttpServerExchange exchange) {
        String device = device(exchange);
        int hours = Requests.intQuery(exchange, "hours", DEFAULT_RENEWAL_HOURS, 1, MAX_RENEWAL_HOURS);
        String actor = ApiJson.actor(exchange);
        long until = clock.millis() + Duration.ofHours(hours).toMillis();
        bindings.allowRebind(device, dev.jmdm.server.device.CertificateBinder.RENEWAL, actor, until);
        record(actor, "enrollments.certificate.renewal", device, Map.of("hours", hours));
        Json.send(exchange, 200, state(device, null));
    }

    private String device(HttpServerExchange exchange) {
        String id = Requests.pathParam(exchange, "id");
        return bindings.deviceOf(id).orElseThrow(() -> new HttpError(404, "no enrollment or device " + id));
    }

    private void record(String actor, String action, String device, Map<String, ?> detail) {
        Optional<HostRecord> host = hosts.resolve(device);
        audit.record(actor, action, host.map(HostRecord::id).orElse(null), host.map(HostsApi::target).orElse(device), null, detail);
    }

    private HostAnswers.CertificateState state(String device, String releasedSha256) {
        long now = clock.millis();
        return new HostAnswers.CertificateState(device,
                bindings.binding(device).map(b -> new HostAnswers.Certificate(b.certSha256(), ApiJson.time(b.notAfter()),
                        ApiJson.time(b.boundAt()))).orElse(null),
                bindings.grant(device).filter(g -> g.activeAt(now)).map(g -> new HostAnswers.RebindGrant(g.reason(), g.grantedBy(),
                        ApiJson.time(g.grantedAt()), ApiJson.time(g.expiresAt()))).orElse(null),
                releasedSha256);
    }
}
