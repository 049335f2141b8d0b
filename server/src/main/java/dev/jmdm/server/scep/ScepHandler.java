package dev.jmdm.server.scep;

import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Requests;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSSignedDataGenerator;

/**
 * {@code /scep} (RFC 8894 section 4): GetCACaps, GetCACert, and PKIOperation by POST (DER body) or GET (base64 in
 * {@code message}). No API auth: devices call it while installing a profile; the challenge is the authorization.
 * Requests that are not SCEP at all get a 400 JSON error; SCEP requests that are refused get a FAILURE CertRep.
 */
final class ScepHandler implements HttpHandler {
    /** What this server does (section 3.5.2): POST, SHA-256 signatures, AES envelopes, RFC 8894, RenewalReq. */
    static final List<String> CAPABILITIES = List.of("POSTPKIOperation", "SHA-256", "AES", "SCEPStandard", "Renewal");
    /** A pkiMessage holds one CSR and a certificate or two: a few KiB. Anything past this is not one. */
    static final int MAX_MESSAGE_BYTES = 64 * 1024;
    static final String PKI_MESSAGE = "application/x-pki-message";

    private final List<X509Certificate> caChain;
    private final PkiMessageDecoder decoder;
    private final ScepAuthority authority;

    ScepHandler(List<X509Certificate> caChain, PkiMessageDecoder decoder, ScepAuthority authority) {
        this.caChain = List.copyOf(caChain);
        this.decoder = decoder;
        this.authority = authority;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String operation = Requests.query(exchange, "operation");
        if (operation == null) {
            throw new HttpError(400, "SCEP needs ?operation=GetCACaps, GetCACert or PKIOperation");
        }
        boolean post = Methods.POST.equals(exchange.getRequestMethod());
        switch (operation) {
            case "GetCACaps" -> send(exchange, "text/plain", (String.join("\n", CAPABILITIES) + "\n").getBytes(StandardCharsets.US_ASCII));
            case "GetCACert" -> caCert(exchange);
            case "PKIOperation" -> send(exchange, PKI_MESSAGE, authority.answer(decode(post ? body(exchange) : query(exchange))));
            default -> throw new HttpError(400, "unknown SCEP operation '" + operation + "'; use GetCACaps, GetCACert or PKIOperation");
        }
    }

    private PkiRequest decode(byte[] message) {
        try {
            return decoder.decode(message);
        } catch (MalformedPkiMessage e) {
            throw new HttpError(400, e.getMessage());
        }
    }

    private static byte[] body(HttpServerExchange exchange) throws java.io.IOException {
        byte[] body = Requests.body(exchange, MAX_MESSAGE_BYTES);
        if (body.length == 0) {
            throw new HttpError(400, "PKIOperation by POST needs the pkiMessage (DER) as its body");
        }
        return body;
    }

    private static byte[] query(HttpServerExchange exchange) {
        String message = Requests.query(exchange, "message");
        if (message == null || message.isBlank()) {
            throw new HttpError(400, "PKIOperation by GET needs the base64 pkiMessage in ?message=");
        }
        if (message.length() > MAX_MESSAGE_BYTES * 4 / 3 + 4) {
            throw new HttpError(413, "the pkiMessage is larger than " + MAX_MESSAGE_BYTES + " bytes");
        }
        try {
            // Query decoding turns an unescaped '+' of the base64 into a space.
            return Base64.getMimeDecoder().decode(message.replace(' ', '+'));
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "?message= is not base64: " + e.getMessage());
        }
    }

    /** One CA certificate as DER; a chain (an intermediate device CA) as a certs-only PKCS#7 (section 4.2.1.2). */
    private void caCert(HttpServerExchange exchange) throws Exception {
        if (caChain.size() == 1) {
            send(exchange, "application/x-x509-ca-cert", caChain.get(0).getEncoded());
            return;
        }
        CMSSignedDataGenerator certsOnly = new CMSSignedDataGenerator();
        certsOnly.addCertificates(new JcaCertStore(caChain));
        send(exchange, "application/x-x509-ca-ra-cert", certsOnly.generate(new CMSAbsentContent()).getEncoded("DER"));
    }

    private static void send(HttpServerExchange exchange, String contentType, byte[] body) {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }
}
