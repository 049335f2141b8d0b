package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The check-in cost scenarios on the MySQL/MariaDB store. */
class CheckinCostMariaDbTest extends CheckinCostScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
