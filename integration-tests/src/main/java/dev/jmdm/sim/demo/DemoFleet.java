package dev.jmdm.sim.demo;

import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.DevStack;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.KeyAlgorithm;
import dev.jmdm.certsdev.LoadedStack;
import dev.jmdm.certsdev.Pem;
import dev.jmdm.server.MdmServer;
import dev.jmdm.server.config.SettingsParser;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.DeviceTransport;
import dev.jmdm.sim.MockApns;
import dev.jmdm.sim.SimulatedDevice;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A server in this process on a fresh embedded store, a stand-in APNs (certs-dev's push certificate, uploaded), and
 * simulated Macs and iPhones that enroll, are woken by pushes and answer inventory, profiles and commands truthfully.
 * The first admin comes from {@code MDM_ADMIN_EMAIL}/{@code MDM_ADMIN_PASSWORD} as on any server; the API key is
 * random and used here only to upload the push certificate.
 */
public final class DemoFleet implements AutoCloseable {
    /** Every third device is an iPhone, the rest Macs. */
    private static final int IPHONE_EVERY = 3;
    private static final int ENROLL_AT_ONCE = 8;

    public final String adminEmail;
    public final String adminPassword;
    public final String apiKey;
    public final MdmServer server;
    public final AdminClient admin;
    public final List<SimulatedDevice> devices = Collections.synchronizedList(new ArrayList<>());
    private final MockApns apns;
    private final CertificateAuthority deviceCa;
    private final DeviceTransport transport;
    private final String topic;

    private DemoFleet(String adminEmail, String adminPassword, String apiKey, MdmServer server, MockApns apns, CertificateAuthority deviceCa,
            String topic) {
        this.adminEmail = adminEmail;
        this.adminPassword = adminPassword;
        this.apiKey = apiKey;
        this.server = server;
        this.apns = apns;
        this.deviceCa = deviceCa;
        this.topic = topic;
        HttpClient http = DeviceTransport.defaultClient();
        this.admin = new AdminClient(http, server.baseUri(), apiKey);
        this.transport = new DeviceTransport(http, server.baseUri().resolve("/mdm"));
    }

    /**
     * Starts the server on {@code listen} (host:port; port 0 picks one) with its data in {@code dir} (a fresh folder),
     * and enrolls {@code devices} simulated devices.
     *
     * @param extraEnv further MDM_* settings (they win over the demo's)
     */
    public static DemoFleet start(Path dir, String listen, int devices, String adminEmail, String adminPassword, Map<String, String> extraEnv)
            throws Exception {
        DevStack.init(dir.resolve("pki"));
        LoadedStack stack = DevStack.load(dir.resolve("pki"));
        MockApns apns = new MockApns(stack.apnsServer(), stack.pushCa().certificate());
        CertificateAuthority deviceCa = CertificateAuthority.createRoot("jmdm demo device CA", Duration.ofDays(365));
        Path caFile = dir.resolve("device-ca.pem");
        Files.writeString(caFile, Pem.encode(deviceCa.certificate()));
        String apiKey = random(24);
        Map<String, String> env = new HashMap<>();
        env.put("MDM_LISTEN", listen);
        env.put("MDM_DATA_DIR", dir.resolve("data").toString());
        env.put("MDM_API_KEY", apiKey);
        env.put("MDM_CA", caFile.toString());
        env.put("MDM_APNS_URL", apns.url());
        env.put("MDM_APNS_CA", stack.files().caCert().toString());
        env.put("MDM_SECRET_KEY", random(24));
        env.put("MDM_ADMIN_EMAIL", adminEmail);
        env.put("MDM_ADMIN_PASSWORD", adminPassword);
        env.putAll(extraEnv);
        MdmServer server;
        try {
            server = MdmServer.start(SettingsParser.parse(new String[0], env), Clock.systemUTC());
        } catch (RuntimeException e) {
            apns.close();
            throw e;
        }
        DemoFleet fleet = new DemoFleet(adminEmail, adminPassword, apiKey, server, apns, deviceCa, stack.pushTopic());
        try {
            byte[] pem = (Files.readString(stack.files().pushCert()) + Files.readString(stack.files().pushKey())).getBytes(StandardCharsets.UTF_8);
            AdminClient.Reply up = fleet.admin.send("PUT", "/v1/pushcert", pem);
            if (up.status() != 200) {
                throw new IllegalStateException("push certificate upload answered " + up.status() + ": " + up.body());
            }
            fleet.enroll(devices);
        } catch (Exception e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    /** Enrolls this many more devices, several at once, each routed to the stand-in APNs so pushes wake it. */
    public void enroll(int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(ENROLL_AT_ONCE);
        try {
            List<Future<SimulatedDevice>> enrolling = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                boolean iphone = (devices.size() + i) % IPHONE_EVERY == IPHONE_EVERY - 1;
                enrolling.add(pool.submit(() -> {
                    Issued identity = deviceCa.issueDeviceIdentity("demo", Duration.ofDays(365), KeyAlgorithm.EC_P256);
                    SimulatedDevice d = iphone ? SimulatedDevice.iphone(transport, identity, topic) : SimulatedDevice.mac(transport, identity, topic);
                    d.enroll();
                    apns.route(d.channel());
                    return d;
                }));
            }
            for (Future<SimulatedDevice> f : enrolling) {
                devices.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    public URI consoleUri() {
        return server.baseUri().resolve("/ui/");
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** A password for the demo admin when none is given. */
    public static String randomPassword() {
        return random(12);
    }

    @Override
    public void close() {
        server.close();
        apns.close();
    }

    /** Deletes a demo's folder (its store, keys and certificates). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
