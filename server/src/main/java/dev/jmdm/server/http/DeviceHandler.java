package dev.jmdm.server.http;

import dev.jmdm.server.device.CheckinService;
import dev.jmdm.server.device.CommandService;
import dev.jmdm.server.device.DeviceResponse;
import dev.jmdm.server.device.RequestIdentity;
import dev.jmdm.server.identity.DeviceIdentity;
import dev.jmdm.server.identity.DeviceIdentityResolver;
import dev.jmdm.server.identity.IdentityException;
import dev.jmdm.server.metrics.Metrics;
import dev.jmdm.server.protocol.Messages;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.SSLSessionInfo;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * The device endpoints: {@code PUT /mdm} (check-in or command report by Content-Type),
 * {@code PUT /mdm/checkin}, {@code PUT /mdm/connect}, and {@code POST /migration}.
 */
final class DeviceHandler {
    static final String CHECKIN_CONTENT_TYPE = "application/x-apple-aspen-mdm-checkin";
    private static final HttpString MDM_SIGNATURE = new HttpString("Mdm-Signature");

    private final CheckinService checkins;
    private final CommandService commands;
    private final DeviceIdentityResolver identities;
    private final HttpString certHeader;
    private final long maxBody;
    private final Metrics metrics;

    DeviceHandler(CheckinService checkins, CommandService commands, DeviceIdentityResolver identities, String certHeader,
            long maxBody, Metrics metrics) {
        this.metrics = metrics;
        this.checkins = checkins;
        this.commands = commands;
        this.identities = identities;
        this.certHeader = certHeader == null ? null : new HttpString(certHeader);
        this.maxBody = maxBody;
    }

    void mdm(HttpServerExchange exchange) throws Exception {
        String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (contentType != null && contentType.startsWith(CHECKIN_CONTENT_TYPE)) {
            checkin(exchange);
        } else {
            connect(exchange);
        }
    }

    void checkin(HttpServerExchange exchange) throws Exception {
        byte[] body = Bodies.read(exchange, maxBody);
        RequestIdentity identity = identify(exchange, body);
        send(exchange, checkins.handle(Messages.checkin(body), identity));
        metrics.checkin();
    }

    void connect(HttpServerExchange exchange) throws Exception {
        byte[] body = Bodies.read(exchange, maxBody);
        RequestIdentity identity = identify(exchange, body);
        DeviceResponse response = commands.handle(Messages.report(body), identity);
        send(exchange, response);
        metrics.report(response.body().length > 0);
    }

    /** Check-in messages moved from another server: no device identity, the admin API's auth instead. */
    void migration(HttpServerExchange exchange) throws Exception {
        byte[] body = Bodies.read(exchange, maxBody);
        send(exchange, checkins.handle(Messages.checkin(body), null));
    }

    private RequestIdentity identify(HttpServerExchange exchange, byte[] body) {
        if (identities == null) {
            throw new IdentityException("this server trusts no device CA (set MDM_CA), so no device can be authenticated");
        }
        DeviceIdentity id = identities.resolve(
                exchange.getRequestHeaders().getFirst(MDM_SIGNATURE),
                certHeader == null ? null : exchange.getRequestHeaders().getFirst(certHeader),
                peerChain(exchange),
                body);
        return new RequestIdentity(id.sha256(), id.certificate());
    }

    private static X509Certificate[] peerChain(HttpServerExchange exchange) {
        SSLSessionInfo ssl = exchange.getConnection().getSslSessionInfo();
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.getPeerCertificates();
            return Arrays.stream(chain).filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast)
                    .toArray(X509Certificate[]::new);
        } catch (Exception e) {
            return null; // no client certificate presented: the other sources may still identify the device
        }
    }

    private static void send(HttpServerExchange exchange, DeviceResponse response) {
        exchange.setStatusCode(response.status());
        if (response.contentType() != null) {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, response.contentType());
        }
        exchange.getResponseSender().send(ByteBuffer.wrap(response.body()));
    }
}
