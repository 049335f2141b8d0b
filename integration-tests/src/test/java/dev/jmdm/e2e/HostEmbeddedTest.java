package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The host scenarios on the embedded H2 store. */
class HostEmbeddedTest extends HostScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
