package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The check-in cost scenarios on the embedded H2 store. */
class CheckinCostEmbeddedTest extends CheckinCostScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
