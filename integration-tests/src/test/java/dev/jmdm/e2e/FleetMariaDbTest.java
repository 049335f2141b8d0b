package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The fleet scenarios on a fresh MySQL/MariaDB database. */
class FleetMariaDbTest extends FleetScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
