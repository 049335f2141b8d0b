package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The configuration profile scenarios on the embedded H2 store. */
class ProfileEmbeddedTest extends ProfileScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
