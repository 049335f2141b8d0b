package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jmdm.server.config.SettingsException;
import dev.jmdm.server.testing.TestDatabases;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A listen address the server cannot take fails start with a message naming MDM_LISTEN, and releases what it opened. */
class ListenFailureTest {
    @Test
    void aPortInUseOrAHostThatDoesNotResolveIsSaidPlainly() throws Exception {
        Path dir = Files.createTempDirectory("jmdm-listen");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String busy = "127.0.0.1:" + taken.getLocalPort();
            assertThatThrownBy(() -> new TestServer(TestDatabases.Engine.EMBEDDED, dir, Map.of("MDM_LISTEN", busy)))
                    .isInstanceOf(SettingsException.class)
                    .hasMessageStartingWith("MDM_LISTEN: cannot listen on " + busy + ": ")
                    .hasMessageContaining("in use");
        }
        assertThatThrownBy(() -> new TestServer(TestDatabases.Engine.EMBEDDED, dir, Map.of("MDM_LISTEN", "no-such-host.invalid:0")))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("MDM_LISTEN: cannot listen on no-such-host.invalid:0: the host name does not resolve");
        // The failed starts closed the embedded database: a server starts on the same data.
        try (TestServer server = new TestServer(TestDatabases.Engine.EMBEDDED, dir)) {
            assertThat(server.admin.enrollments(null).status()).isEqualTo(200);
        }
    }
}
