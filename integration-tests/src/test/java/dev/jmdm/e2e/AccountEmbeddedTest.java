package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** Console accounts end to end on the Embedded store. */
class AccountEmbeddedTest extends AccountScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
