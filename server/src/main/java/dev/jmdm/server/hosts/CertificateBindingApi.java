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
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("released_sha256", was.orElse(null));
        record(actor, "enrollments.certificate.release", device, detail);
        Json.send(exchange, 200, state(device, detail));
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

    private Map<String, Object> state(String device, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device_id", device);
        m.put("certificate", bindings.binding(device).map(b -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("sha256", b.certSha256());
            c.put("not_after", ApiJson.time(b.notAfter()));
            c.put("bound_at", ApiJson.time(b.boundAt()));
            return c;
        }).orElse(null));
        long now = clock.millis();
        m.put("rebind_grant", bindings.grant(device).filter(g -> g.activeAt(now)).map(g -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("reason", g.reason());
            c.put("granted_by", g.grantedBy());
            c.put("granted_at", ApiJson.time(g.grantedAt()));
            c.put("expires_at", g.expiresAt() == null ? null : ApiJson.time(g.expiresAt()));
            return c;
        }).orElse(null));
        if (extra != null) {
            m.putAll(extra);
        }
        return m;
    }
}
