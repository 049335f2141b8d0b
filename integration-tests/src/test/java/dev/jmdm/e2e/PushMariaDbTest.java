package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** APNs scenarios on MySQL/MariaDB, plus what only a shared database allows: several servers. */
class PushMariaDbTest extends PushScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }

    @org.junit.jupiter.api.Test
    void aCertificateRenewedThroughOneServerIsUsedByAnotherAtOnce() throws Exception {
        try (TestServer second = new TestServer(server, java.nio.file.Files.createTempDirectory("jmdm-second"))) {
            dev.jmdm.sim.SimulatedDevice d = dev.jmdm.sim.SimulatedDevice.mac(server.transport, server.identity("shared"), stack.pushTopic());
            d.enroll();
            dev.jmdm.certsdev.Issued renewed = stack.pushCa().issue(pushSpec(stack.pushTopic(),
                    java.time.Instant.now().plus(java.time.Duration.ofDays(200))));
            // Renewed through the first server ...
            org.assertj.core.api.Assertions.assertThat(server.admin.send("PUT", "/v1/pushcert",
                    dev.jmdm.certsdev.Pem.encode(renewed.certificate(), renewed.privateKey()).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .status()).isEqualTo(200);
            // ... and the second server's very next push uses it.
            org.assertj.core.api.Assertions.assertThat(second.admin.push(java.util.List.of(d.enrollmentId())).status()).isEqualTo(200);
            var got = apns.receivedFor(d.channel().tokenHex());
            org.assertj.core.api.Assertions.assertThat(got.get(got.size() - 1).clientSerial()).isEqualTo(renewed.certificate().getSerialNumber());
        }
    }
}
