package dev.jmdm.server.ade;

import dev.jmdm.server.config.AdeSettings;
import dev.jmdm.server.dep.AssignedDevices;
import dev.jmdm.server.device.DeviceEvents;
import dev.jmdm.server.enroll.EnrollmentFeature;
import dev.jmdm.server.feature.Feature;
import dev.jmdm.server.feature.Services;
import dev.jmdm.server.hosts.HostsFeature;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.profiles.ProfileCatalog;
import dev.jmdm.server.profiles.ProfileFeature;
import dev.jmdm.server.tls.PemIdentity;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Automated Device Enrollment, the device's side: {@code POST /mdm/enroll} for Setup Assistant, certificates bound to
 * the device that proved itself (the binder's rule, through SCEP's challenges), and Await Device Configured with the
 * setup steps of each ADE profile. Hooks: the TokenUpdate and answer steps of {@link DeviceEvents} (after the
 * profile and hosts features' own, which started before it), the host detail's {@code setup}, and host forgetting.
 */
public final class AdeFeature implements Feature {
    /** Apple Root CA, bundled: see apple-root-ca.md next to it for its source and fingerprint. */
    static final String APPLE_ROOT = "apple-root-ca.pem";

    private final Services services;
    private final HostsFeature hostsFeature;
    private final AdeStore store;
    private final DeviceSetup setup;
    private final SetupApi api;
    private final AdeEnrollHandler handler;

    public AdeFeature(AdeSettings settings, Services services, HostsFeature hostsFeature, ProfileFeature profiles,
            EnrollmentFeature enrollment) {
        this.services = services;
        this.hostsFeature = hostsFeature;
        this.store = new AdeStore(services.jdbi(), services.clock());
        ProfileCatalog catalog = new ProfileCatalog(services.jdbi());
        this.setup = new DeviceSetup(store, services.hosts(), services.commands(), hostsFeature.hostCommands(), catalog, profiles,
                ids -> services.backgroundPushes().pushLater(ids));
        this.api = new SetupApi(store, catalog, hostsFeature.hostCommands(), services.maxBody());
        List<X509Certificate> anchors = settings.deviceCa() == null ? appleRoot() : PemIdentity.certificates(settings.deviceCa());
        this.handler = new AdeEnrollHandler(new SignedMachineInfo(anchors, services.clock()), new AssignedDevices(services.jdbi()),
                enrollment.adeProfiles(), services.hosts(), store);
    }

    static List<X509Certificate> appleRoot() {
        try (InputStream in = AdeFeature.class.getResourceAsStream(APPLE_ROOT)) {
            if (in == null) {
                throw new IllegalStateException(APPLE_ROOT + " is missing from the server's resources");
            }
            return List.of((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        } catch (IOException | CertificateException e) {
            throw new IllegalStateException("cannot read the bundled Apple Root CA: " + e.getMessage(), e);
        }
    }

    @Override
    public void start() {
        DeviceEvents events = services.events();
        // Setup-only steps: a device with no Setup Assistant enrollment under way pays no statement for ADE.
        events.onSetupTokenUpdate("ADE enrollment", DeviceEvents.Lane.INLINE, setup::tokenUpdated);
        events.onAwaitingConfiguration("ADE setup steps", DeviceEvents.Lane.INLINE, setup::awaitingConfiguration);
        events.onSetupAnswer("ADE setup steps", DeviceEvents.Lane.INLINE, setup::answered);
        services.hosts().onForget(AdeStore::forgetHost);
        hostsFeature.setupFrom(api::setupOf);
    }

    @Override
    public void register(ApiRouter router) {
        api.register(router);
    }

    /** {@code POST /mdm/enroll}; needs no API auth (Setup Assistant calls it). */
    public HttpHandler handler() {
        return handler;
    }
}
