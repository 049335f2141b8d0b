package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** Apple Business Manager's side of ADE on the Embedded store. */
class DepEmbeddedTest extends DepScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
