package dev.jmdm.sim.cli;

import dev.jmdm.certsdev.DevStack;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.Pem;
import dev.jmdm.sim.AuthMode;
import dev.jmdm.sim.DeviceFacts;
import dev.jmdm.sim.DeviceTransport;
import dev.jmdm.sim.EnrollmentProfile;
import dev.jmdm.sim.MutualTls;
import dev.jmdm.sim.SimulatedDevice;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * One simulated device for one run of {@code mdm-sim}: built from its state file and the options (an option wins over
 * the state), and saved back after the run so the next one is the same device with what it installed.
 */
final class DeviceSession {
    static final String DEFAULT_SERVER = "http://localhost:9000";
    /** What a device enrolled with a bare certs-dev identity reports; a server without a push certificate takes any. */
    static final String DEFAULT_TOPIC = "com.apple.mgmt.External.mdm-sim";

    final SimulatedDevice device;
    private final SimState loaded;
    private final Path stateFile;
    private final String serverUrl;
    private final String checkInUrl;
    private final String cacert;
    private final DeviceOptions.Auth auth;
    private final DeviceOptions.Platform platform;
    private final List<X509Certificate> roots;
    private boolean enrolled;

    private DeviceSession(DeviceOptions o, SimState s, boolean installing) throws IOException {
        this.loaded = s;
        this.stateFile = o.state;
        Issued identity;
        String topic;
        String udid = o.udid;
        if (o.profile != null) {
            EnrollmentProfile p = readProfile(o.profile);
            if (p.isScep() && s != null && s.identityPem() != null) {
                // Installed in an earlier run: the profile's one-time challenge is spent, the identity is in the state.
                p = new EnrollmentProfile(p.plist(), p.mdmPayload(), p.identityPayload(),
                        IdentityFile.parse(s.identityPem(), "in " + o.state), p.signer());
            } else if (p.isScep() && !installing) {
                throw new CliFailure("--profile " + o.profile + ": its identity comes from SCEP, which only enroll runs"
                        + " (the challenge is good once): run enroll" + (o.state == null ? " with --state FILE" : "") + " first");
            } else if (p.isScep()) {
                if (udid == null) {
                    udid = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
                }
                p = installScep(p, o.cacert != null ? o.cacert.toString() : null, udid);
            }
            identity = p.identity();
            serverUrl = p.serverUrl().toString();
            checkInUrl = p.checkInUrl().toString();
            topic = p.topic();
        } else if (o.identity != null) {
            identity = IdentityFile.read(o.identity, o.key);
            serverUrl = mdmUrl(o.server != null ? o.server : s != null ? s.serverUrl() : DEFAULT_SERVER);
            checkInUrl = serverUrl;
            topic = o.topic != null ? o.topic : s != null && s.topic() != null ? s.topic() : certsDevTopic(o.identity);
            if (udid == null && (s == null || s.udid() == null)) {
                udid = IdentityFile.commonName(identity.certificate());
            }
        } else if (s != null) {
            identity = IdentityFile.parse(s.identityPem(), "in " + o.state);
            serverUrl = o.server != null ? mdmUrl(o.server) : s.serverUrl();
            checkInUrl = o.server != null ? serverUrl : s.checkInUrl();
            topic = o.topic != null ? o.topic : s.topic();
        } else {
            throw new CliFailure("who is the device? give --identity (certs-dev issue-device), --profile (GET /mdm/enroll), "
                    + "or --state FILE of a device enrolled before" + (o.state != null ? " (" + o.state + " does not exist yet)" : ""));
        }
        if (udid == null) {
            udid = s != null && s.udid() != null ? s.udid() : UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
        }
        this.cacert = o.cacert != null ? o.cacert.toString() : s != null ? s.cacert() : null;
        this.auth = o.auth != null ? o.auth : s != null && s.auth() != null ? DeviceOptions.Auth.valueOf(s.auth()) : DeviceOptions.Auth.signature;
        this.platform = o.platform != null ? o.platform
                : s != null && s.platform() != null ? DeviceOptions.Platform.valueOf(s.platform()) : DeviceOptions.Platform.macos;
        this.roots = cacert == null ? null : Pem.certificates(Files.readString(Path.of(cacert)));
        if (auth == DeviceOptions.Auth.mtls && !serverUrl.startsWith("https:")) {
            throw new CliFailure("--auth mtls needs an https server; the device's is " + serverUrl);
        }
        DeviceFacts facts = DeviceFacts.generate(platform == DeviceOptions.Platform.ios ? DeviceFacts.Platform.IOS : DeviceFacts.Platform.MACOS, udid);
        HttpClient client = serverUrl.startsWith("https:")
                // A device presents its identity when the server asks; in signature mode it signs as well.
                ? MutualTls.client(roots, identity, HttpClient.Version.HTTP_2) : DeviceTransport.defaultClient();
        this.device = new SimulatedDevice(new DeviceTransport(client, URI.create(serverUrl), URI.create(checkInUrl)), identity, facts, topic, null)
                .authMode(auth == DeviceOptions.Auth.mtls ? AuthMode.MTLS : AuthMode.MDM_SIGNATURE);
        // The same device as last time only when it is the same identity and UDID; otherwise it starts afresh.
        if (s != null && udid.equals(s.udid()) && IdentityFile.toPem(identity).equals(s.identityPem())) {
            device.channel().restorePushIdentity(s.token(), s.pushMagic());
            device.state().restore(s.device());
            enrolled = s.enrolled();
        }
    }

    /** The device of a run that does not install profiles (poll, run): a SCEP profile must have been enrolled before. */
    static DeviceSession open(DeviceOptions o) throws IOException {
        return open(o, false);
    }

    /** @param installing whether this run installs the profile ({@code enroll}), so a SCEP payload may be run */
    static DeviceSession open(DeviceOptions o, boolean installing) throws IOException {
        SimState s = o.state != null && Files.exists(o.state) ? SimState.read(o.state) : null;
        return new DeviceSession(o, s, installing);
    }

    boolean enrolled() {
        return enrolled;
    }

    /** Authenticate and TokenUpdate, as the device does when its profile is installed; kept in the state from now on. */
    void enroll() {
        device.enroll();
        enrolled = true;
    }

    /** Where the admin API is: the MDM URL's scheme, host and port. */
    URI adminBase() {
        URI u = URI.create(serverUrl);
        return URI.create(u.getScheme() + "://" + u.getRawAuthority() + "/");
    }

    /** A client for the admin API: the same trust as the device's, no client certificate. */
    HttpClient adminClient() {
        return serverUrl.startsWith("https:") ? MutualTls.client(roots, null, HttpClient.Version.HTTP_1_1) : DeviceTransport.defaultClient();
    }

    String serverUrl() {
        return serverUrl;
    }

    /**
     * Writes the device back to its state file, when it has one. What it holds is kept whatever happened (it may have
     * installed a profile before the server went away); a {@code --server} given for this run is kept only when the run
     * completed, so a mistyped URL does not stick.
     */
    void save(boolean completed) throws IOException {
        if (stateFile == null) {
            return;
        }
        boolean keepOld = !completed && loaded != null && loaded.serverUrl() != null;
        String server = keepOld ? loaded.serverUrl() : serverUrl;
        String checkIn = keepOld ? loaded.checkInUrl() : checkInUrl;
        new SimState(device.udid(), platform.name(), server, checkIn, device.topic(), auth.name(), cacert,
                IdentityFile.toPem(device.identity()), device.channel().token(), device.channel().pushMagic(), enrolled,
                device.state().snapshot()).write(stateFile);
    }

    /** Whether a state file was read (the device may have been enrolled in an earlier run). */
    boolean hadState() {
        return loaded != null;
    }

    /**
     * The topic of the certs-dev stand-in push certificate beside an identity from {@code issue-device}
     * ({@code DIR/devices/UDID.pem} → {@code DIR/push.pem}), so that the device can be pushed once that certificate is
     * uploaded; {@link #DEFAULT_TOPIC} for an identity from elsewhere.
     */
    static String certsDevTopic(Path identity) throws IOException {
        Path devices = identity.toAbsolutePath().getParent();
        Path push = devices == null || devices.getParent() == null ? null : devices.getParent().resolve("push.pem");
        if (push == null || !Files.isRegularFile(push)) {
            return DEFAULT_TOPIC;
        }
        List<X509Certificate> certs = Pem.certificates(Files.readString(push));
        String topic = certs.isEmpty() ? null : DevStack.pushTopic(certs.get(0));
        return topic != null ? topic : DEFAULT_TOPIC;
    }

    /**
     * A profile whose identity is a SCEP payload, installed as a device does: its own RSA key, a PKCSReq with the
     * profile's one-time challenge; the identity then lives in the state file for later runs.
     */
    private static EnrollmentProfile installScep(EnrollmentProfile p, String cacert, String udid) throws IOException {
        URI scep = URI.create(p.scepContent().get("URL").toJavaObject().toString());
        List<X509Certificate> roots = cacert == null ? null : Pem.certificates(Files.readString(Path.of(cacert)));
        HttpClient http = "https".equals(scep.getScheme()) ? MutualTls.client(roots, null, HttpClient.Version.HTTP_1_1)
                : DeviceTransport.defaultClient();
        try {
            EnrollmentProfile installed = p.enrollScep(http, udid);
            System.out.printf("SCEP: %s issued %s%n", scep, installed.identity().certificate().getSubjectX500Principal().getName());
            return installed;
        } catch (IOException e) {
            throw e;
        } catch (IllegalStateException e) {
            throw new CliFailure("the profile's SCEP payload: " + e.getMessage());
        } catch (Exception e) {
            throw new CliFailure("the profile's SCEP payload at " + scep + ": " + e.getMessage());
        }
    }

    private static EnrollmentProfile readProfile(Path file) throws IOException {
        try {
            return EnrollmentProfile.read(Files.readAllBytes(file));
        } catch (IllegalArgumentException e) {
            throw new CliFailure("--profile " + file + ": " + e.getMessage());
        }
    }

    /** {@code http://host:9000} means its {@code /mdm}; a URL with a path is taken as the MDM URL itself. */
    private static String mdmUrl(String server) {
        URI u = URI.create(server);
        if (u.getScheme() == null || u.getHost() == null) {
            throw new CliFailure("--server " + server + ": not a URL like http://localhost:9000");
        }
        String path = u.getRawPath();
        return path == null || path.isEmpty() || path.equals("/") ? server.replaceFirst("/$", "") + "/mdm" : server;
    }
}
