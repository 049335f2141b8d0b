package dev.jmdm.server.enroll;

import dev.jmdm.server.config.Settings;
import dev.jmdm.server.config.SettingsException;
import dev.jmdm.server.http.ApiRoutes;
import dev.jmdm.server.scep.ScepChallenges;
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

/** Enrollment wired from settings: the {@code /mdm/enroll} handler and the enrollment-link API. */
public final class EnrollmentModule {
    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentModule.class);

    private final EnrollHandler handler;
    private final EnrollmentLinkApi api;

    private EnrollmentModule(EnrollHandler handler, EnrollmentLinkApi api) {
        this.handler = handler;
        this.api = api;
    }

    /**
     * @param port the listener's bound port, read when a URL is first needed (the listener starts after this)
     * @param onBusy counts a download refused because every issuing permit was taken
     * @throws SettingsException when a configured certificate cannot serve its purpose
     */
    public static EnrollmentModule create(Settings settings, Jdbi jdbi, Clock clock, IntSupplier port, Runnable onBusy,
            ScepChallenges scep) {
        Settings.Enroll e = settings.enroll();
        PemIdentity ca = deviceCa(e);
        DeviceIdentityIssuer issuer = ca == null ? null : new DeviceIdentityIssuer(ca, clock);
        ProfileSigner signer = null;
        if (e.signingCert() != null) {
            signer = new ProfileSigner(load("MDM_SIGNING_CERT", e.signingCert(), e.signingKey()));
        } else if (settings.tls() != null) {
            signer = new ProfileSigner(load("MDM_TLS_CERT", settings.tls().certFile(), settings.tls().keyFile()));
        }
        boolean tls = settings.tls() != null;
        Supplier<URI> baseUrl = e.publicUrl() != null ? e::publicUrl : () -> listenerUrl(settings.listen(), port.getAsInt(), tls);
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
        EnrollHandler handler = new EnrollHandler(issuer, signer, new PushCertStore(jdbi, clock), links, e.requireToken(), baseUrl, clock,
                new IssuePermits(IssuePermits.DEFAULT_PERMITS, onBusy),
                settings.scep().identity() == Settings.Scep.Identity.SCEP ? scep : null);
        return new EnrollmentModule(handler, new EnrollmentLinkApi(links, baseUrl, settings.maxBodyBytes()));
    }

    /**
     * The device CA ({@code MDM_DEVICE_CA_CERT}/{@code _KEY}), or null when none is set.
     *
     * @throws SettingsException when the files cannot be read or the certificate is no CA
     */
    public static PemIdentity deviceCa(Settings.Enroll e) {
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

    /** Fresh SCEP enrollment profiles bound to a device, for renewal (see {@link EnrollHandler#renewalProfile}). */
    public java.util.function.BiFunction<String, java.time.Duration, byte[]> renewalProfiles() {
        return handler::renewalProfile;
    }

    /** The enrollment-link admin routes. */
    public ApiRoutes api() {
        return api;
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
