package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The device protocol scenarios on the embedded H2 store, started from a data folder as a user would. */
class DeviceProtocolEmbeddedTest extends DeviceProtocolScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
