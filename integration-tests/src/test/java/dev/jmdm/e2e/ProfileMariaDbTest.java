package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The configuration profile scenarios on a fresh MySQL/MariaDB database. */
class ProfileMariaDbTest extends ProfileScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
