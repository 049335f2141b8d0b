package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The fleet scenarios on the embedded engine. */
class FleetEmbeddedTest extends FleetScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
