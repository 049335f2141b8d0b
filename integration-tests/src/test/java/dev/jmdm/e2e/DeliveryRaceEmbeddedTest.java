package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The delivery/cancel race scenarios on the embedded H2 store. */
class DeliveryRaceEmbeddedTest extends DeliveryRaceScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
