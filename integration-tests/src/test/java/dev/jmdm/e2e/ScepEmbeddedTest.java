package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** SCEP end to end on the Embedded store. */
class ScepEmbeddedTest extends ScepScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
