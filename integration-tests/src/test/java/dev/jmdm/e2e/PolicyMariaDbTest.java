package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The compliance policy scenarios on a fresh MySQL/MariaDB database. */
class PolicyMariaDbTest extends PolicyScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
