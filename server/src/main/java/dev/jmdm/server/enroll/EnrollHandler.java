package dev.jmdm.server.enroll;

import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Requests;
import dev.jmdm.server.scep.ScepChallenges;
import dev.jmdm.server.storage.PushCertStore;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /mdm/enroll[?token=]}: a signed enrollment profile with a SCEP payload whose one-time challenge was minted
 * for this download (or, with MDM_ENROLL_IDENTITY=pkcs12, a device identity issued for it).
 * No API auth: this is what users open on their device. Refusals are JSON: 503 while the server cannot make a
 * working profile (no device CA, no push certificate), 403 for a missing or unusable enrollment-link token.
 */
final class EnrollHandler implements HttpHandler {
    static final String CONTENT_TYPE = "application/x-apple-aspen-config";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DeviceIdentityIssuer issuer;
    private final ProfileSigner signer;
    private final PushCertStore pushCerts;
    private final EnrollmentLinks links;
    private final boolean requireToken;
    private final Supplier<URI> baseUrl;
    private final Clock clock;
    private final IssuePermits permits;
    private final ScepChallenges scep;

    /**
     * issuer null: no device CA configured; signer null: profiles go out unsigned; scep null: profiles carry a
     * PKCS#12 identity, otherwise a SCEP payload with a one-time challenge.
     */
    EnrollHandler(DeviceIdentityIssuer issuer, ProfileSigner signer, PushCertStore pushCerts, EnrollmentLinks links,
            boolean requireToken, Supplier<URI> baseUrl, Clock clock, IssuePermits permits, ScepChallenges scep) {
        this.scep = scep;
        this.issuer = issuer;
        this.signer = signer;
        this.pushCerts = pushCerts;
        this.links = links;
        this.requireToken = requireToken;
        this.baseUrl = baseUrl;
        this.clock = clock;
        this.permits = permits;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (issuer == null) {
            throw new HttpError(503, "enrollment profiles are off: the server has no device CA to issue identities "
                    + "(set MDM_DEVICE_CA_CERT and MDM_DEVICE_CA_KEY; certs-dev init makes device-ca.pem and device-ca.key)");
        }
        String topic = topic();
        permits.acquire(exchange);
        try {
            send(exchange, topic);
        } finally {
            permits.release();
        }
    }

    private void send(HttpServerExchange exchange, String topic) {
        // Checked after what could make the server refuse anyway, so a refused download never spends a use.
        String token = Requests.query(exchange, "token");
        String linkId = null;
        if (token != null && !token.isBlank()) {
            try {
                linkId = links.consume(token.strip());
            } catch (EnrollmentLinks.Refused e) {
                throw new HttpError(403, e.getMessage() + "; ask an administrator for a new enrollment link");
            }
        } else if (requireToken) {
            throw new HttpError(403, "an enrollment link is required to enroll here (MDM_ENROLL_REQUIRE_TOKEN=true): "
                    + "open the link an administrator gave you");
        }
        byte[] profile;
        if (scep != null) {
            profile = EnrollmentProfile.scepPlist(baseUrl.get(), topic, scep.mintForProfile(linkId));
        } else {
            DeviceIdentityIssuer.Identity identity = issuer.issue();
            String password = password();
            byte[] p12 = DeviceIdentityIssuer.pkcs12(identity, password.toCharArray());
            profile = EnrollmentProfile.plist(baseUrl.get(), topic, p12, password);
        }
        byte[] body = signer == null ? profile : signer.sign(profile);
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, CONTENT_TYPE);
        exchange.getResponseHeaders().put(Headers.CONTENT_DISPOSITION, "attachment; filename=\"enroll.mobileconfig\"");
        // The profile carries a private key or a one-time challenge: no cache may keep it.
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }

    /**
     * A fresh signed SCEP enrollment profile for a device already enrolled, whose challenge is bound to it and good
     * for {@code ttl}: what the renewal sweep sends in an InstallProfile.
     *
     * @throws HttpError 503 when the server cannot make a working profile (no device CA or SCEP, no push certificate)
     */
    byte[] renewalProfile(String deviceId, java.time.Duration ttl) {
        if (issuer == null || scep == null) {
            throw new HttpError(503, "renewal profiles need the device CA and MDM_ENROLL_IDENTITY=scep");
        }
        byte[] profile = EnrollmentProfile.scepPlist(baseUrl.get(), topic(), scep.mintForDevice(deviceId, ScepChallenges.RENEWAL, ttl));
        return signer == null ? profile : signer.sign(profile);
    }

    /**
     * The signed SCEP enrollment profile Setup Assistant installs for a device that proved its UDID and serial number
     * with a MachineInfo Apple signed: its challenge is bound to both, so the certificate speaks for that device only.
     *
     * @throws HttpError 503 when the server cannot make a working profile (no device CA or SCEP, no push certificate)
     */
    byte[] adeProfile(String udid, String serialNumber) {
        if (issuer == null || scep == null) {
            throw new HttpError(503, "Setup Assistant enrollment needs the device CA (MDM_DEVICE_CA_CERT/KEY) and MDM_ENROLL_IDENTITY=scep");
        }
        String topic = topic();
        byte[] profile = EnrollmentProfile.scepPlist(baseUrl.get(), topic, scep.mintForAde(udid, serialNumber));
        return signer == null ? profile : signer.sign(profile);
    }

    /** The topic of the newest unexpired push certificate. */
    private String topic() {
        List<PushCertStore.StoredPushCert> all = pushCerts.all();
        if (all.isEmpty()) {
            throw new HttpError(503, "no push certificate is stored, so the enrollment profile's Topic is unknown: "
                    + "upload the APNs push certificate with PUT /v1/pushcert first");
        }
        long now = clock.millis();
        return all.stream().filter(c -> c.notAfter() > now).max(Comparator.comparingLong(PushCertStore.StoredPushCert::updatedAt))
                .map(PushCertStore.StoredPushCert::topic)
                .orElseThrow(() -> new HttpError(503, "every stored push certificate has expired (the last at "
                        + Instant.ofEpochMilli(all.stream().mapToLong(PushCertStore.StoredPushCert::notAfter).max().orElse(0))
                        + "): devices enrolled now could never be woken; upload a renewed one with PUT /v1/pushcert"));
    }

    private static String password() {
        byte[] raw = new byte[18];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
