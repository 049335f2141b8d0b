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
import java.util.List;

/** {@code GET /v1/hosts/{id}/certificates}: the certificates this server's SCEP issued to the host's device. */
public final class HostCertificatesApi implements ApiRoutes {
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
        List<IssuedCertificate> certificates = issued.forHost(host.id()).stream().map(HostCertificatesApi::json).toList();
        Json.send(exchange, 200, new HostCertificates(host.id(), certificates));
    }

    private static IssuedCertificate json(IssuedCertificateStore.Row r) {
        return new IssuedCertificate(r.serial(), r.certSha256(), r.subject(), time(r.notBefore()), time(r.notAfter()), time(r.issuedAt()),
                r.messageType(), r.linkId(), r.forDevice(), r.adeDevice(), r.renewsSha256(), r.udid(),
                r.revokedAt() == null ? null : time(r.revokedAt()));
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    /** A certificate this server's SCEP issued to the host's devices. */
    public record IssuedCertificate(String serial, String sha256, String subject, String notBefore, String notAfter, String issuedAt,
            String messageType, String enrollmentLink, String forDevice, String adeDevice, String renewsSha256, String udid,
            String revokedAt) {
    }

    public record HostCertificates(long hostId, List<IssuedCertificate> certificates) {
    }
}
