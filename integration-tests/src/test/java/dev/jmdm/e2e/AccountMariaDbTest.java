package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** Console accounts end to end on the MariaDb store. */
class AccountMariaDbTest extends AccountScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
