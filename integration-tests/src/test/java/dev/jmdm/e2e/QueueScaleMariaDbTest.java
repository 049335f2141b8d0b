package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** Queue retention and expiry on MySQL/MariaDB. */
class QueueScaleMariaDbTest extends QueueScaleScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
