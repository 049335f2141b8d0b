package dev.jmdm.e2e;

import dev.jmdm.certsdev.DevStack;
import dev.jmdm.certsdev.LoadedStack;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.MockApns;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A server that pushes to a stand-in APNs (Pushy's mock over TLS, certs-dev certificates), with the
 * push certificate uploaded: what every scenario with woken devices starts from.
 */
final class ApnsTestBed implements AutoCloseable {
    final LoadedStack stack;
    final MockApns apns;
    final TestServer server;

    private ApnsTestBed(LoadedStack stack, MockApns apns, TestServer server) {
        this.stack = stack;
        this.apns = apns;
        this.server = server;
    }

    /** Re-pushes are off so that every push a scenario sees is one it caused. */
    static ApnsTestBed start(TestDatabases.Engine engine, Path dir) throws Exception {
        return start(engine, dir, false);
    }

    /**
     * @param enrollmentCa whether the server also issues enrollment profiles ({@code /mdm/enroll}) from certs-dev's
     *        device CA, beside {@code MDM_CA} (the test server's own device CA, standing for the fleet's)
     */
    static ApnsTestBed start(TestDatabases.Engine engine, Path dir, boolean enrollmentCa) throws Exception {
        DevStack.init(dir.resolve("pki"));
        LoadedStack stack = DevStack.load(dir.resolve("pki"));
        MockApns apns = new MockApns(stack.apnsServer(), stack.pushCa().certificate());
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "MDM_APNS_URL", apns.url(),
                "MDM_APNS_CA", stack.files().caCert().toString(),
                "MDM_REPUSH_AFTER", "0",
                // The stand-in APNs shares two busy cores with the server: give fan-outs of hundreds the time to be
                // answered, so a scenario sees every push result (PushOutageScenarios tests the timeout itself).
                "MDM_APNS_TIMEOUT", "30s",
                "MDM_SECRET_KEY", "test-secret-key-0123456789"));
        if (enrollmentCa) {
            env.put("MDM_DEVICE_CA_CERT", stack.files().deviceCaCert().toString());
            env.put("MDM_DEVICE_CA_KEY", stack.files().deviceCaKey().toString());
        }
        TestServer server = new TestServer(engine, dir, env);
        AdminClient.Reply up = server.admin.send("PUT", "/v1/pushcert", pushCertificatePem(stack));
        if (up.status() != 200) {
            server.close();
            apns.close();
            throw new IllegalStateException("push certificate upload answered " + up.status() + ": " + up.body());
        }
        return new ApnsTestBed(stack, apns, server);
    }

    /** The certs-dev push certificate and key, concatenated as nanomdm takes them. */
    static byte[] pushCertificatePem(LoadedStack stack) throws java.io.IOException {
        return (Files.readString(stack.files().pushCert()) + Files.readString(stack.files().pushKey())).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.close();
        apns.close();
    }
}
