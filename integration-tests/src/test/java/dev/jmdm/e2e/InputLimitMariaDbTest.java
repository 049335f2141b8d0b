package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The input limit scenarios on a fresh MySQL/MariaDB database. */
class InputLimitMariaDbTest extends InputLimitScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
