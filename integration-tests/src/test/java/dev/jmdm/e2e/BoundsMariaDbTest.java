package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The bounds scenarios on a fresh MySQL/MariaDB database. */
class BoundsMariaDbTest extends BoundsScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
