package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The input limit scenarios on the embedded H2 store. */
class InputLimitEmbeddedTest extends InputLimitScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
