package dev.jmdm.server.http;

import dev.jmdm.server.push.PushCertAnswers;
import dev.jmdm.server.push.PushCertService;
import dev.jmdm.apns.PushCertificateException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;

/**
 * {@code PUT /v1/pushcert}: PEM certificate + unencrypted key (as nanomdm), or a PKCS#12 file
 * ({@code Content-Type: application/x-pkcs12}) with its password in the {@code X-Pkcs12-Password}
 * header. {@code GET /v1/pushcert?topic=} answers {"topic", "not_after"}; without a topic, every
 * certificate. Expiring certificates carry a "warning". A certificate for a topic other than the one enrolled
 * devices use is refused with 409 unless {@code ?force=1} (see {@link PushCertService.TopicChangeRefused}).
 */
public final class PushCertApi implements ApiRoutes {
    static final String PASSWORD_HEADER = "X-Pkcs12-Password";

    private final PushCertService certs;
    private final long maxBody;

    public PushCertApi(PushCertService certs, long maxBody) {
        this.certs = certs;
        this.maxBody = maxBody;
    }

    @Override
    public void register(ApiRouter router) {
        router.put("/v1/pushcert", this::upload).get("/v1/pushcert", this::get);
    }

    private void upload(HttpServerExchange exchange) throws Exception {
        byte[] body = Requests.body(exchange, maxBody);
        String type = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        boolean force = force(Requests.query(exchange, "force"));
        PushCertService.Status status;
        try {
            if (type != null && type.startsWith("application/x-pkcs12")) {
                String password = exchange.getRequestHeaders().getFirst(PASSWORD_HEADER);
                status = certs.uploadPkcs12(body, (password == null ? "" : password).toCharArray(), force);
            } else {
                status = certs.uploadPem(new String(body, StandardCharsets.UTF_8), force);
            }
        } catch (PushCertificateException e) {
            throw new HttpError(400, e.getMessage());
        } catch (PushCertService.TopicChangeRefused e) {
            Json.send(exchange, 409, new PushCertAnswers.TopicChangeRefusal(e.getMessage(), e.topic(), new java.util.TreeMap<>(e.devicesByTopic())));
            return;
        }
        Json.send(exchange, 200, json(status));
    }

    /** {@code ?force=1} (or true); anything else but 0/false/empty is refused rather than guessed at. */
    private static boolean force(String value) {
        if (value == null || value.isEmpty() || "0".equals(value) || "false".equalsIgnoreCase(value)) {
            return false;
        }
        if ("1".equals(value) || "true".equalsIgnoreCase(value)) {
            return true;
        }
        throw new HttpError(400, "force: '" + value + "' is not 1, true, 0 or false");
    }

    private void get(HttpServerExchange exchange) {
        String topic = Requests.query(exchange, "topic");
        if (topic == null) {
            Json.send(exchange, 200, new PushCertAnswers.PushCerts(certs.all().stream().map(PushCertApi::json).toList()));
            return;
        }
        PushCertService.Status status = certs.status(topic)
                .orElseThrow(() -> new HttpError(404, "no push certificate for topic " + topic));
        Json.send(exchange, 200, json(status));
    }

    private static PushCertAnswers.PushCert json(PushCertService.Status s) {
        return new PushCertAnswers.PushCert(s.topic(), s.notAfter().toString(), s.warning());
    }
}
