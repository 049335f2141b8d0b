package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The robustness suite on the embedded H2 store. */
class RobustnessEmbeddedTest extends RobustnessScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
