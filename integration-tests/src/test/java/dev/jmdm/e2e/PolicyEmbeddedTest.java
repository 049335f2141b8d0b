package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The compliance policy scenarios on the embedded H2 store. */
class PolicyEmbeddedTest extends PolicyScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
