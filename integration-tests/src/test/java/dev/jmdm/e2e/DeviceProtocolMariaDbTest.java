package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The device protocol scenarios on a fresh MySQL/MariaDB database. */
class DeviceProtocolMariaDbTest extends DeviceProtocolScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
