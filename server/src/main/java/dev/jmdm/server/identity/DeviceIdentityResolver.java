package dev.jmdm.server.identity;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Works out which device certificate made a request, from whatever the request carries, and validates it against
 * the MDM CA. The one class of this package the HTTP layer calls.
 *
 * <p>Order of precedence, first present wins:
 * <ol>
 * <li>{@code Mdm-Signature}: it proves possession of the key over this very body, end to end, whatever proxies or
 * TLS terminators sit in between; it is also the only source that binds the identity to the message.</li>
 * <li>The TLS peer certificate: the server saw the handshake itself, so the client proved the key, with no one
 * else to trust.</li>
 * <li>The proxy header: a claim by the proxy, only as good as the network path (anyone who can reach the server
 * around the proxy can write it), so it is used only when nothing stronger is there, and only when configured.</li>
 * </ol>
 * A source that is present but bad fails the request; we never fall back to a weaker one, which would let an
 * attacker pick the check they like. Blank header values count as absent (nginx sends an empty header when the
 * client presented no certificate).
 */
public final class DeviceIdentityResolver {
    private static final String MDM_SIGNATURE = "Mdm-Signature";

    /**
     * Header values lately parsed, so that the requests of one device session (a drain is several in a row) decode
     * the certificate once: decoding it twice (BouncyCastle's holder, then its factory) and hashing it were 10–13 % of
     * a drain request's CPU on MariaDB (JFR under the load benchmark). Parsing is a pure
     * function of the value, so a hit is the same answer; only certificates that validated are kept. Bounded by entries
     * (each ≈ 5 KB: the value and the certificate) and emptied when full, which under a fleet larger than the bound
     * costs nothing more than the parse it would have done.
     */
    static final int PARSED_HEADERS_MAX = 1024;

    private final DeviceCertificateValidator validator;
    private final String proxyHeaderName;
    private final Map<String, Parsed> parsedHeaders = new ConcurrentHashMap<>();

    private record Parsed(X509Certificate certificate, String sha256) {
    }

    /**
     * @param validator checks every certificate found against the MDM CA
     * @param proxyHeaderName the header a reverse proxy puts the client certificate in, or null (or blank) when
     *        there is no such proxy: then that header is ignored
     */
    public DeviceIdentityResolver(DeviceCertificateValidator validator, String proxyHeaderName) {
        this.validator = Objects.requireNonNull(validator, "validator");
        String name = proxyHeaderName == null || proxyHeaderName.isBlank() ? null : proxyHeaderName.strip();
        if (name != null && name.equalsIgnoreCase(MDM_SIGNATURE)) {
            throw new IllegalArgumentException("the proxy client-certificate header cannot be " + MDM_SIGNATURE);
        }
        this.proxyHeaderName = name;
    }

    /** The header the HTTP layer should pass to {@link #resolve} as {@code proxyHeader}, if one is configured. */
    public Optional<String> proxyHeaderName() {
        return Optional.ofNullable(proxyHeaderName);
    }

    /**
     * The validated identity of the device that sent this request.
     *
     * @param mdmSignature the {@code Mdm-Signature} header value, or null
     * @param proxyHeader the value of {@link #proxyHeaderName()}, or null; ignored when no header is configured
     * @param tlsPeerChain the TLS client's certificate chain, leaf first ({@code SSLSession.getPeerCertificates()}),
     *        or null
     * @param body the exact request body bytes the signature covers
     * @throws IdentityException when there is no identity, or the one there is does not check out
     */
    public DeviceIdentity resolve(String mdmSignature, String proxyHeader, Certificate[] tlsPeerChain, byte[] body) {
        if (present(mdmSignature)) {
            MdmSignature.Signed signed = MdmSignature.verify(mdmSignature, body);
            return validated(signed.signer(), signed.otherCertificates(), DeviceIdentity.Source.MDM_SIGNATURE);
        }
        if (tlsPeerChain != null && tlsPeerChain.length > 0) {
            List<X509Certificate> chain = new ArrayList<>(tlsPeerChain.length);
            for (Certificate c : tlsPeerChain) {
                if (!(c instanceof X509Certificate x509)) {
                    throw new IdentityException("TLS client certificate is not X.509 (" + c.getType() + ")");
                }
                chain.add(x509);
            }
            return validated(chain.get(0), chain.subList(1, chain.size()), DeviceIdentity.Source.TLS_CLIENT_CERTIFICATE);
        }
        if (proxyHeaderName != null && present(proxyHeader)) {
            Parsed parsed = parsedHeaders.get(proxyHeader);
            if (parsed == null) {
                X509Certificate cert;
                try {
                    cert = ClientCertHeader.parse(proxyHeader);
                } catch (IdentityException e) {
                    throw new IdentityException(proxyHeaderName + ": " + e.getMessage(), e);
                }
                DeviceIdentity id = validated(cert, List.of(), DeviceIdentity.Source.PROXY_HEADER);
                if (parsedHeaders.size() >= PARSED_HEADERS_MAX) {
                    parsedHeaders.clear();
                }
                parsedHeaders.put(proxyHeader, new Parsed(cert, id.sha256()));
                return id;
            }
            // Validated again every time: the validator's own cache says for how long a validation holds.
            validator.validate(parsed.certificate(), List.of(), parsed.sha256());
            return new DeviceIdentity(parsed.certificate(), parsed.sha256(), DeviceIdentity.Source.PROXY_HEADER);
        }
        throw new IdentityException("no device identity: no " + MDM_SIGNATURE + " header, no TLS client certificate"
                + (proxyHeaderName == null ? "" : ", no " + proxyHeaderName + " header"));
    }

    private DeviceIdentity validated(X509Certificate cert, List<X509Certificate> extra, DeviceIdentity.Source source) {
        String sha256 = CertificateFingerprint.sha256Hex(cert);
        validator.validate(cert, extra, sha256);
        return new DeviceIdentity(cert, sha256, source);
    }

    private static boolean present(String headerValue) {
        return headerValue != null && !headerValue.isBlank();
    }
}
