package dev.jmdm.server.enroll;

import dev.jmdm.server.config.EnrollSettings;
import dev.jmdm.server.config.ScepSettings;
import dev.jmdm.server.scep.ScepChallenges;
import dev.jmdm.server.config.HttpSettings;
import dev.jmdm.server.config.SettingsException;
import dev.jmdm.server.feature.Feature;
import dev.jmdm.server.feature.Services;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.storage.PushCertStore;
import dev.jmdm.server.tls.PemIdentity;
import io.undertow.server.HttpHandler;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enrollment wired from settings: the {@code /mdm/enroll} handler (no API auth: users open it on their device) and the
 * enrollment-link API.
 */
public final class EnrollmentFeature implements Feature {
    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentFeature.class);

    private final EnrollHandler handler;
    private final EnrollmentLinkApi api;

    /**
     * @param http the listener: its TLS certificate signs profiles when MDM_SIGNING_CERT is not set, and its address
     *             makes their URL when MDM_PUBLIC_URL is not set
     * @param port the listener's bound port, read when a URL is first needed (the listener starts after this)
     * @param scep  which identity profiles carry (MDM_ENROLL_IDENTITY)
     * @param challenges SCEP's one-time challenges; null when there is no SCEP (no device CA)
     * @throws SettingsException when a configured certificate cannot serve its purpose
     */
    private final Supplier<URI> baseUrl;

    public EnrollmentFeature(EnrollSettings e, HttpSettings http, Services services, IntSupplier port, ScepSettings scep,
            ScepChallenges challenges) {
        Clock clock = services.clock();
        Jdbi jdbi = services.jdbi();
        PemIdentity ca = deviceCa(e);
        DeviceIdentityIssuer issuer = ca == null ? null : new DeviceIdentityIssuer(ca, clock);
        ProfileSigner signer = null;
        if (e.signingCert() != null) {
            signer = new ProfileSigner(load("MDM_SIGNING_CERT", e.signingCert(), e.signingKey()));
        } else if (http.tls() != null) {
            signer = new ProfileSigner(load("MDM_TLS_CERT", http.tls().certFile(), http.tls().keyFile()));
        }
        boolean tls = http.tls() != null;
        Supplier<URI> baseUrl = e.publicUrl() != null ? e::publicUrl : () -> listenerUrl(http.listen(), port.getAsInt(), tls);
        this.baseUrl = baseUrl;
        if (issuer != null) {
            if (signer == null) {
                LOG.warn("enrollment profiles go out unsigned (devices show them as unverified): set MDM_SIGNING_CERT/MDM_SIGNING_KEY or MDM_TLS_CERT/MDM_TLS_KEY");
            }
            if (e.publicUrl() == null) {
                LOG.warn("MDM_PUBLIC_URL is not set: enrollment profiles point devices at this listener's own address; "
                        + "set it to the URL devices reach the server at");
            }
        }
        EnrollmentLinks links = new EnrollmentLinks(new EnrollmentLinkStore(jdbi), clock);
        handler = new EnrollHandler(issuer, signer, new PushCertStore(jdbi, clock), links, e.requireToken(), baseUrl, clock,
                new IssuePermits(IssuePermits.DEFAULT_PERMITS, services.metrics().shedCounter("enroll")),
                scep.identity() == ScepSettings.Identity.SCEP ? challenges : null);
        api = new EnrollmentLinkApi(links, baseUrl, services.maxBody());
    }

    /** The base URL devices reach this server at (MDM_PUBLIC_URL, else the listener's). */
    public URI baseUrl() {
        return baseUrl.get();
    }

    /**
     * The device CA ({@code MDM_DEVICE_CA_CERT}/{@code _KEY}), or null when none is set.
     *
     * @throws SettingsException when the files cannot be read or the certificate is no CA
     */
    public static PemIdentity deviceCa(EnrollSettings e) {
        if (e.deviceCaCert() == null) {
            return null;
        }
        PemIdentity ca = load("MDM_DEVICE_CA_CERT", e.deviceCaCert(), e.deviceCaKey());
        if (ca.certificate().getBasicConstraints() < 0) {
            throw new SettingsException("MDM_DEVICE_CA_CERT: " + e.deviceCaCert() + " is not a CA certificate ("
                    + ca.certificate().getSubjectX500Principal().getName() + ")");
        }
        return ca;
    }

    /** Fresh SCEP enrollment profiles bound to a device, for renewal (see {@link EnrollHandler#renewalProfile}). */
    public java.util.function.BiFunction<String, java.time.Duration, byte[]> renewalProfiles() {
        return handler::renewalProfile;
    }

    /** Signed SCEP enrollment profiles for Setup Assistant, for a device's UDID and serial number (see {@link EnrollHandler#adeProfile}). */
    public AdeProfiles adeProfiles() {
        return handler::adeProfile;
    }

    /** The enrollment profile of a device that proved its UDID and serial number with a signed MachineInfo. */
    @FunctionalInterface
    public interface AdeProfiles {
        byte[] profile(String udid, String serialNumber);
    }

    /** The media type of a (signed) enrollment profile. */
    public static final String PROFILE_CONTENT_TYPE = EnrollHandler.CONTENT_TYPE;

    private static PemIdentity load(String name, java.nio.file.Path cert, java.nio.file.Path key) {
        try {
            return PemIdentity.load(cert, key);
        } catch (IllegalArgumentException ex) {
            throw new SettingsException(name + ": " + ex.getMessage());
        }
    }

    /** {@code GET /mdm/enroll}; needs no API auth. */
    public HttpHandler handler() {
        return handler;
    }

    /** The enrollment-link admin routes. */
    @Override
    public void register(ApiRouter router) {
        api.register(router);
    }

    /** The listener's own URL: its address, or localhost when it listens on every address. */
    static URI listenerUrl(InetSocketAddress listen, int port, boolean tls) {
        String host;
        if (listen.getAddress() == null || listen.getAddress().isAnyLocalAddress()) {
            host = "localhost";
        } else if (listen.getAddress() instanceof Inet6Address) {
            host = "[" + listen.getAddress().getHostAddress() + "]";
        } else {
            host = listen.getHostString();
        }
        return URI.create((tls ? "https" : "http") + "://" + host + ":" + port);
    }
}
