package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jmdm.server.testing.TestDatabases;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tests stay on this machine. Every test JVM resolves names from loopback-hosts only (surefire's
 * {@code -Djdk.net.hosts.file}), so a test that reaches for Apple's APNs or any other outside host fails with
 * UnknownHostException rather than going to the network; and the servers tests start never push to Apple: to a
 * stand-in APNs when the test gives one, else to a reserved name that fails at once.
 */
class NoOutsideHostsTest {
    /** The JVM option that gives a child JVM this one's guard. */
    static String hostsGuard() {
        String file = System.getProperty("jdk.net.hosts.file");
        assertThat(file).as("tests run with -Djdk.net.hosts.file (the parent pom's surefire argLine)").isNotNull();
        return "-Djdk.net.hosts.file=" + file;
    }

    @Test
    void theGuardIsOnInThisJvm() {
        assertThat(hostsGuard()).endsWith("loopback-hosts");
    }

    @Test
    void outsideHostsDoNotResolveInTests() throws Exception {
        for (String host : new String[] {"api.push.apple.com", "api.sandbox.push.apple.com", "www.apple.com", "example.org"}) {
            assertThatThrownBy(() -> InetAddress.getByName(host)).as(host).isInstanceOf(UnknownHostException.class);
        }
        assertThat(InetAddress.getByName("localhost").isLoopbackAddress()).isTrue();
        assertThat(InetAddress.getByName("127.0.0.1").isLoopbackAddress()).isTrue();
    }

    @Test
    void aTestServerNeverPushesToAppleUnlessGivenAStandIn() throws Exception {
        try (TestServer server = new TestServer(TestDatabases.Engine.EMBEDDED, Files.createTempDirectory("jmdm-no-outside"), Map.of())) {
            String host = server.settings().apns().host();
            assertThat(host).isEqualTo("apns.invalid").doesNotContain("apple.com");
            assertThatThrownBy(() -> InetAddress.getByName(host)).isInstanceOf(UnknownHostException.class);
        }
    }

    @Test
    void theHttpsStackPushesToItsStandInApns() throws Exception {
        try (TlsStack tls = new TlsStack(TestDatabases.Engine.EMBEDDED, Map.of())) {
            assertThat(tls.server.settings().apns().host()).isEqualTo("127.0.0.1");
            assertThat(tls.server.settings().apns().port()).isEqualTo(tls.apns.port());
        }
    }
}
