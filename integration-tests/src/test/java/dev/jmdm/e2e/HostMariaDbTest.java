package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The host scenarios on a fresh MySQL/MariaDB database. */
class HostMariaDbTest extends HostScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
