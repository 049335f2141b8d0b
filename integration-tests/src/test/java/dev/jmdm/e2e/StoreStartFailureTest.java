package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.testing.TestDatabases;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code java … Main} with a store it cannot open: exit code 2 and one line on stderr naming the setting
 * and the cause, no stack trace, no pool or driver noise, and within the connect timeout.
 */
class StoreStartFailureTest {
    record Exit(int code, List<String> lines, long millis) {
    }

    static Exit run(Map<String, String> env) throws Exception {
        Path out = Files.createTempFile("jmdm-start", ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                NoOutsideHostsTest.hostsGuard(), "-cp", ServerClasspath.of(), "dev.jmdm.server.Main")
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("MDM_"));
        pb.environment().put("MDM_LISTEN", "127.0.0.1:0");
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("still running after 90 s:\n" + Files.readString(out));
        }
        return new Exit(p.exitValue(), Files.readAllLines(out), (System.nanoTime() - start) / 1_000_000);
    }

    private static Map<String, String> mysql(String dsn) {
        return Map.of("MDM_STORAGE", "mysql", "MDM_DSN", dsn);
    }

    private static void assertOneLine(Exit exit, String startsWith, String... contains) {
        assertThat(exit.lines()).as("everything the server printed").hasSize(1);
        assertThat(exit.lines().get(0)).startsWith("mdm-server: " + startsWith).contains(contains);
        assertThat(exit.code()).isEqualTo(2);
    }

    @Test
    void aDatabaseServerThatCannotBeReachedIsOneLineNamingMdmDsn() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertOneLine(run(mysql("jdbc:mysql://127.0.0.1:" + closed + "/mdm?user=mdm&password=hunter2")),
                "MDM_DSN: cannot open the database jdbc:mysql://127.0.0.1:" + closed + "/mdm: ", "Connection refused");
        assertOneLine(run(mysql("jdbc:mysql://no-such-host.invalid:3306/mdm?user=mdm")),
                "MDM_DSN: cannot open the database jdbc:mysql://no-such-host.invalid:3306/mdm: ",
                // The test JVMs resolve from loopback-hosts only, whose resolver words its refusal differently from DNS.
                "unknown host ", "no-such-host.invalid", "(the name does not resolve)");
    }

    @Test
    void aDatabaseServerThatNeverAnswersTimesOutInOneLine() throws Exception {
        // Takes the connection and says nothing, like a firewall that drops what follows the handshake.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Exit exit = run(mysql("jdbc:mysql://127.0.0.1:" + silent.getLocalPort() + "/mdm?user=mdm"));
            assertOneLine(exit, "MDM_DSN: cannot open the database", "did not answer in time");
            assertThat(exit.millis()).isLessThan(60_000);
        }
    }

    @Test
    void wrongCredentialsAnUnknownDatabaseOrNoDatabaseNameAreOneLineNamingMdmDsn() throws Exception {
        String server = TestDatabases.MYSQL_URL.replaceFirst("\\?.*", "");
        String probe = TestDatabases.freshUrl(TestDatabases.Engine.MYSQL); // skips (or fails, in CI) without MariaDB
        TestDatabases.drop(probe);
        assertOneLine(run(mysql(server + "mysql?user=jmdm_no_such_user&password=wrong")),
                "MDM_DSN: cannot open the database " + server + "mysql: ", "Access denied for user 'jmdm_no_such_user'");
        assertOneLine(run(mysql(TestDatabases.MYSQL_URL.replace("/?", "/jmdm_no_such_database?"))),
                "MDM_DSN: cannot open the database", "Unknown database 'jmdm_no_such_database'");
        assertOneLine(run(mysql(TestDatabases.MYSQL_URL)), "MDM_DSN: ", "names no database");
    }

    @Test
    void aDataDirThatCannotHoldTheStoreOrADsnTheEmbeddedStoreWouldIgnoreAreOneLine() throws Exception {
        Path file = Files.createTempFile("jmdm-not-a-folder", "");
        assertOneLine(run(Map.of("MDM_DATA_DIR", file.toString())), "MDM_DATA_DIR: " + file, "exists and is not a folder");
        assertOneLine(run(Map.of("MDM_DATA_DIR", file.resolve("data").toString())), "MDM_DATA_DIR: cannot create " + file.resolve("data"), "");
        Map<String, String> env = new HashMap<>(Map.of("MDM_DSN", "jdbc:mysql://127.0.0.1:3306/mdm?user=mdm"));
        env.put("MDM_DATA_DIR", Files.createTempDirectory("jmdm-data").toString());
        assertOneLine(run(env), "MDM_DSN: set, but MDM_STORAGE is embedded", "set MDM_STORAGE=mysql");
    }

    @Test
    void anEmbeddedStoreAnotherServerHasOpenIsOneLineNamingMdmDataDir() throws Exception {
        Path data = Files.createTempDirectory("jmdm-in-use");
        String url = "jdbc:h2:file:" + data.resolve("mdm") + ";" + dev.jmdm.server.config.Settings.EMBEDDED_URL_OPTIONS;
        try (var held = java.sql.DriverManager.getConnection(url)) {
            assertOneLine(run(Map.of("MDM_DATA_DIR", data.toString())),
                    "MDM_DATA_DIR: cannot open the embedded database in " + data + ": ", "already in use");
        }
    }
}
