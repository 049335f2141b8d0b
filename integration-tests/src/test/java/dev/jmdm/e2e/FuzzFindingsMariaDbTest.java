package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The fuzz findings on a fresh MySQL/MariaDB database. */
class FuzzFindingsMariaDbTest extends FuzzFindingsScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
