package dev.jmdm.server.scep;

import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.http.ApiRoutes;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
import dev.jmdm.server.http.Requests;
import dev.jmdm.server.storage.HostRecord;
import dev.jmdm.server.storage.HostStore;
import io.undertow.server.HttpServerExchange;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /v1/hosts/{id}/certificates}: the certificates this server's SCEP issued to the host's device. */
final class HostCertificatesApi implements ApiRoutes {
    private final HostStore hosts;
    private final IssuedCertificateStore issued;

    HostCertificatesApi(HostStore hosts, IssuedCertificateStore issued) {
        this.hosts = hosts;
        this.issued = issued;
    }

    @Override
    public void register(ApiRouter router) {
        router.get("/v1/hosts/{id}/certificates", this::list);
    }

    void list(HttpServerExchange exchange) {
        String ref = Requests.pathParam(exchange, "id");
        HostRecord host = hosts.resolve(ref).orElseThrow(() -> new HttpError(404, "no host " + ref));
        List<Map<String, Object>> certificates = issued.forHost(host.id()).stream().map(HostCertificatesApi::json).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("host_id", host.id());
        body.put("certificates", certificates);
        Json.send(exchange, 200, body);
    }

    private static Map<String, Object> json(IssuedCertificateStore.Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("serial", r.serial());
        m.put("sha256", r.certSha256());
        m.put("subject", r.subject());
        m.put("not_before", time(r.notBefore()));
        m.put("not_after", time(r.notAfter()));
        m.put("issued_at", time(r.issuedAt()));
        m.put("message_type", r.messageType());
        m.put("enrollment_link", r.linkId());
        m.put("for_device", r.forDevice());
        m.put("ade_device", r.adeDevice());
        m.put("renews_sha256", r.renewsSha256());
        m.put("udid", r.udid());
        m.put("revoked_at", r.revokedAt() == null ? null : time(r.revokedAt()));
        return m;
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
