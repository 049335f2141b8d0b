package dev.jmdm.e2e;

import dev.jmdm.certsdev.DevStack;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.LoadedStack;
import dev.jmdm.server.MdmServer;
import dev.jmdm.server.config.SettingsParser;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.MockApns;
import dev.jmdm.sim.MutualTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A server started as the README's quickstart says: certs-dev's files in a temp folder, HTTPS with the dev TLS
 * certificate, the dev device CA trusted and issuing enrollment identities. Clients trust {@code ca.pem} and may
 * present a client certificate.
 */
final class TlsStack implements AutoCloseable {
    static final String API_KEY = "tls-api-key";

    final Path dir;
    final LoadedStack stack;
    final MovableClock clock = new MovableClock();
    final MdmServer server;
    /** Trusts the dev root, presents no client certificate, speaks HTTP/2. */
    final HttpClient http;
    final AdminClient admin;
    private final String dsn;
    final MockApns apns;

    TlsStack(TestDatabases.Engine engine, Map<String, String> extraEnv) throws Exception {
        this.dir = Files.createTempDirectory("jmdm-tls");
        DevStack.init(dir);
        this.stack = DevStack.load(dir);
        Map<String, String> env = new HashMap<>(stack.files().environment());
        // The README's walkthrough: a stand-in APNs from the same certs-dev folder, never Apple's.
        this.apns = new MockApns(stack.apnsServer(), stack.pushCa().certificate());
        env.putAll(stack.files().mockApnsEnvironment(apns.url()));
        env.put("MDM_LISTEN", "127.0.0.1:0");
        env.put("MDM_API_KEY", API_KEY);
        env.put("MDM_DATA_DIR", dir.resolve("data").toString());
        env.put("MDM_MAX_BODY", "64KiB");
        // Only the device CA from MDM_DEVICE_CA_CERT is trusted: MDM_CA is left out on purpose.
        env.remove("MDM_CA");
        this.dsn = engine == TestDatabases.Engine.MYSQL ? TestDatabases.freshUrl(engine) : null;
        if (dsn != null) {
            env.put("MDM_STORAGE", "mysql");
            env.put("MDM_DSN", dsn);
        }
        env.putAll(extraEnv);
        this.server = MdmServer.start(SettingsParser.parse(new String[0], env), clock);
        this.http = client(null, HttpClient.Version.HTTP_2);
        this.admin = new AdminClient(http, server.baseUri(), API_KEY);
    }

    URI base() {
        return server.baseUri();
    }

    /** Uploads the stand-in push certificate, as an operator does with the API. */
    void uploadPushCert() throws IOException {
        String pem = Files.readString(stack.files().pushCert()) + Files.readString(stack.files().pushKey());
        AdminClient.Reply r = admin.send("PUT", "/v1/pushcert", pem.getBytes(StandardCharsets.UTF_8));
        if (r.status() != 200) {
            throw new IllegalStateException("push certificate upload answered " + r.status() + ": " + r.body());
        }
    }

    /** A client trusting the dev root; it presents {@code identity} when the server asks for a certificate. */
    HttpClient client(Issued identity, HttpClient.Version version) {
        return MutualTls.client(List.of(stack.rootCa().certificate()), identity, version);
    }

    @Override
    public void close() {
        server.close();
        apns.close();
        if (dsn != null) {
            TestDatabases.drop(dsn);
        }
    }

    /** The server's clock: real time, moved forward by tests (link expiry). */
    static final class MovableClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration d) {
            offset = offset.plus(d);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
