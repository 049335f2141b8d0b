package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The delivery/cancel race scenarios on a fresh MySQL/MariaDB database. */
class DeliveryRaceMariaDbTest extends DeliveryRaceScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
