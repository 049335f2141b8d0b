package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The bounds scenarios on the embedded H2 store. */
class BoundsEmbeddedTest extends BoundsScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
