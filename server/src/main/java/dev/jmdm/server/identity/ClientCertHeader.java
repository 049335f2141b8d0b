package dev.jmdm.server.identity;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A TLS client certificate forwarded by a reverse proxy in a header, in one of two forms:
 * <ul>
 * <li><a href="https://www.rfc-editor.org/rfc/rfc9440">RFC 9440</a> {@code Client-Cert}: a structured-field byte
 * sequence, {@code :base64(DER):};</li>
 * <li>URL-escaped PEM, as nginx's {@code $ssl_client_escaped_cert} gives it
 * ({@code -----BEGIN%20CERTIFICATE-----%0AMIIC...}).</li>
 * </ul>
 * Anything else is refused rather than guessed at. The header proves nothing by itself: it is only as good as the
 * proxy that sets it and strips it from client requests.
 */
final class ClientCertHeader {
    /** Far above a device certificate (about 1.5 KB of DER), far below anything that should be parsed. */
    static final int MAX_LENGTH = 16 * 1024;

    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");

    private ClientCertHeader() {
    }

    /**
     * The certificate in the header value.
     *
     * @throws IdentityException when the value is empty, in neither form, or does not hold exactly one certificate
     */
    static X509Certificate parse(String headerValue) {
        String value = headerValue == null ? "" : headerValue.strip();
        if (value.isEmpty()) {
            throw new IdentityException("client certificate header is empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw new IdentityException("client certificate header is longer than " + MAX_LENGTH + " characters");
        }
        if (value.startsWith(":")) {
            return fromByteSequence(value);
        }
        if (value.startsWith("-----BEGIN") || value.regionMatches(true, 0, "%2D%2D%2D%2D%2DBEGIN", 0, 20)) {
            return fromEscapedPem(value);
        }
        throw new IdentityException(
                "client certificate header is neither RFC 9440 (:base64 DER:) nor URL-escaped PEM");
    }

    private static X509Certificate fromByteSequence(String value) {
        if (value.length() < 3 || !value.endsWith(":")) {
            throw new IdentityException("client certificate header is not an RFC 9440 byte sequence (:base64:)");
        }
        String base64 = value.substring(1, value.length() - 1);
        if (!BASE64.matcher(base64).matches()) {
            throw new IdentityException("client certificate header (RFC 9440) is not valid base64");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IdentityException("client certificate header (RFC 9440) is not valid base64: " + e.getMessage(), e);
        }
        return fromDer(der);
    }

    private static X509Certificate fromEscapedPem(String value) {
        String pem;
        try {
            pem = URLDecoder.decode(value, StandardCharsets.UTF_8).strip();
        } catch (IllegalArgumentException e) {
            throw new IdentityException("client certificate header is not valid URL-escaped PEM: " + e.getMessage(), e);
        }
        var m = PEM.matcher(pem);
        if (!m.matches()) {
            throw new IdentityException("client certificate header does not hold exactly one PEM CERTIFICATE block");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(m.group(1).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IdentityException("client certificate header PEM is not valid base64: " + e.getMessage(), e);
        }
        return fromDer(der);
    }

    private static X509Certificate fromDer(byte[] der) {
        if (der.length == 0 || der[0] != 0x30) {
            throw new IdentityException("client certificate header does not hold a DER certificate");
        }
        try {
            return X509Certificates.fromDer(der);
        } catch (CertificateException e) {
            throw new IdentityException("client certificate header is not an X.509 certificate: " + e.getMessage(), e);
        }
    }
}
