package dev.jmdm.e2e;

import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.KeyAlgorithm;
import dev.jmdm.certsdev.Pem;
import dev.jmdm.server.MdmServer;
import dev.jmdm.server.config.Settings;
import dev.jmdm.server.config.SettingsParser;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.DeviceTransport;
import dev.jmdm.sim.SimulatedDevice;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A real server in-process on one engine, a device CA it trusts, and clients for devices and
 * admins. The embedded engine runs from a data folder exactly as {@code java -jar} does.
 */
public final class TestServer implements AutoCloseable {
    public static final String API_KEY = "test-api-key";
    public static final String TOPIC = "com.apple.mgmt.External." + UUID.randomUUID();
    public static final String PROXY_HEADER = "X-Client-Cert";
    /**
     * Where a test server pushes unless the test gives it a stand-in APNs: a reserved name (RFC 2606) that the
     * tests' loopback-only resolver refuses at once, so a push fails fast instead of going to Apple (the default,
     * api.push.apple.com). Not a closed loopback port: Pushy waits out MDM_APNS_TIMEOUT reconnecting to one, which
     * slows every push-after-change the suites do.
     */
    public static final String NO_APNS = "https://apns.invalid:443";

    public final CertificateAuthority deviceCa;
    public final HttpClient http = DeviceTransport.defaultClient();
    private final Path dir;
    private final TestDatabases.Engine engine;
    private final String dsn;
    private final Map<String, String> extraEnv;
    private final dev.jmdm.server.storage.CommandStore.DeliveryProbe probe;
    private boolean shared;
    private MdmServer server;
    public AdminClient admin;
    public DeviceTransport transport;

    public TestServer(TestDatabases.Engine engine, Path dir) throws IOException {
        this(engine, dir, Map.of());
    }

    public TestServer(TestDatabases.Engine engine, Path dir, Map<String, String> extraEnv) throws IOException {
        this(engine, dir, extraEnv, dev.jmdm.server.storage.CommandStore.DeliveryProbe.NONE);
    }

    /** With a probe told whenever a command is chosen for a device, just before it is claimed. */
    public TestServer(TestDatabases.Engine engine, Path dir, Map<String, String> extraEnv,
            dev.jmdm.server.storage.CommandStore.DeliveryProbe probe) throws IOException {
        this.engine = engine;
        this.dir = dir;
        this.extraEnv = extraEnv;
        this.probe = probe;
        this.deviceCa = CertificateAuthority.createRoot("e2e device CA", Duration.ofDays(30));
        Files.writeString(dir.resolve("device-ca.pem"), Pem.encode(deviceCa.certificate()));
        this.dsn = engine == TestDatabases.Engine.MYSQL ? TestDatabases.freshUrl(engine) : null;
        start();
    }

    /**
     * A second server on the same database (MySQL) with the same device CA and settings: two
     * instances behind one load balancer. Its own data folder, so it shares nothing but the database.
     */
    public TestServer(TestServer primary, Path dir) {
        this(primary, dir, Map.of());
    }

    /** The same, with some settings of its own (say a wrong MDM_SECRET_KEY). */
    public TestServer(TestServer primary, Path dir, Map<String, String> overrides) {
        this.engine = primary.engine;
        this.dir = dir;
        Map<String, String> env = new HashMap<>(primary.extraEnv);
        env.putAll(overrides);
        this.extraEnv = env;
        this.deviceCa = primary.deviceCa;
        this.dsn = primary.dsn;
        this.probe = dev.jmdm.server.storage.CommandStore.DeliveryProbe.NONE;
        this.shared = true;
        try {
            Files.copy(primary.dir.resolve("device-ca.pem"), dir.resolve("device-ca.pem"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        start();
    }

    /** Starts (or restarts, on the same data) the server. */
    public void start() {
        Map<String, String> env = new HashMap<>();
        env.put("MDM_LISTEN", "127.0.0.1:0");
        env.put("MDM_API_KEY", API_KEY);
        env.put("MDM_CA", dir.resolve("device-ca.pem").toString());
        env.put("MDM_CERT_HEADER", PROXY_HEADER);
        env.put("MDM_MAX_BODY", "64KiB");
        env.put("MDM_MIGRATION", "true");
        env.put("MDM_DATA_DIR", dir.resolve("data").toString());
        // Protocol scenarios count every command and push; inventory scenarios turn this back on.
        env.put("MDM_INVENTORY", "false");
        env.put("MDM_LOG_LEVEL", System.getenv().getOrDefault("MDM_LOG_LEVEL", "info"));
        env.put("MDM_APNS_URL", NO_APNS);
        if (dsn != null) {
            env.put("MDM_STORAGE", "mysql");
            env.put("MDM_DSN", dsn);
        }
        env.putAll(extraEnv);
        Settings settings = SettingsParser.parse(new String[0], env);
        server = MdmServer.start(settings, Clock.systemUTC(), probe);
        URI base = server.baseUri();
        // every answer is checked against the OpenAPI document, so every scenario also tests the contract
        admin = new AdminClient(http, base, API_KEY).observed(ApiContract.INSTANCE);
        transport = new DeviceTransport(http, base.resolve("/mdm"));
    }

    public void stop() {
        server.close();
    }

    public URI baseUri() {
        return server.baseUri();
    }

    /** The running server, for what only tests reach (a feature's own view, say). */
    public MdmServer server() {
        return server;
    }

    public Settings settings() {
        return server.settings();
    }

    /** The server itself, for tests that run its jobs (queue retention, expiry) or read its leases. */
    public MdmServer mdm() {
        return server;
    }

    /** The server's database, for tests that hold locks or read rows beside it. */
    public String jdbcUrl() {
        return server.settings().storage().jdbcUrl();
    }

    /** The admin API's routes, "METHOD template". */
    /** The store, to seed rows another part of the system writes (the DEP sync's). */
    public org.jdbi.v3.core.Jdbi jdbi() {
        return server.jdbi();
    }

    public java.util.List<String> adminRoutes() {
        return server.adminRoutes();
    }

    /** The statements and transactions the server ran on its store so far. */
    public dev.jmdm.server.storage.StatementCounter statements() {
        return server.statements();
    }

    /** The admin API's routes that need no credentials (signing in). */
    public java.util.List<String> openRoutes() {
        return server.openRoutes();
    }

    public TestDatabases.Engine engine() {
        return engine;
    }

    /**
     * Runs one statement on the server's database, for rows no API writes (data from older
     * versions or edited by hand). An embedded database is shared within this JVM.
     */
    public int sql(String statement, Object... args) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(server.settings().storage().jdbcUrl());
                java.sql.PreparedStatement s = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            return s.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(statement + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row (null when none), as bytes: what is really stored in a BLOB. */
    public byte[] queryBytes(String query, Object... args) {
        return queryOne(query, args, rs -> rs.getBytes(1));
    }

    /** The same, as text (a VARCHAR). */
    public String queryString(String query, Object... args) {
        return queryOne(query, args, rs -> rs.getString(1));
    }

    private interface Column<T> {
        T read(java.sql.ResultSet rs) throws java.sql.SQLException;
    }

    private <T> T queryOne(String query, Object[] args, Column<T> column) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(server.settings().storage().jdbcUrl());
                java.sql.PreparedStatement s = c.prepareStatement(query)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (java.sql.ResultSet rs = s.executeQuery()) {
                return rs.next() ? column.read(rs) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(query + ": " + e.getMessage(), e);
        }
    }

    /** A device identity from the trusted CA; EC keys keep bulk tests fast. */
    public Issued identity(String name) {
        return deviceCa.issueDeviceIdentity(name, Duration.ofDays(7), KeyAlgorithm.EC_P256);
    }

    public SimulatedDevice newMac() {
        return SimulatedDevice.mac(transport, identity("mac"), TOPIC);
    }

    public SimulatedDevice newIphone() {
        return SimulatedDevice.iphone(transport, identity("iphone"), TOPIC);
    }

    @Override
    public void close() {
        stop();
        if (dsn != null && !shared) {
            TestDatabases.drop(dsn);
        }
    }
}
