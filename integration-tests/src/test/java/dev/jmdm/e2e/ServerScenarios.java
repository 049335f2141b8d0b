package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.SimulatedDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** Scenarios that share one server on the engine a subclass names, started once for the class. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServerScenarios {
    TestServer server;
    AdminClient admin;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void startServer() throws Exception {
        Path dir = Files.createTempDirectory("jmdm-e2e");
        server = new TestServer(engine(), dir);
        admin = server.admin;
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    SimulatedDevice enrolledMac() {
        SimulatedDevice d = server.newMac();
        d.enroll();
        return d;
    }
}
