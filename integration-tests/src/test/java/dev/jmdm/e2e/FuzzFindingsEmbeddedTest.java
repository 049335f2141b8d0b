package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The fuzz findings on the embedded H2 store. */
class FuzzFindingsEmbeddedTest extends FuzzFindingsScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
