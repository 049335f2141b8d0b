package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** APNs outages on MySQL/MariaDB. */
class PushOutageMariaDbTest extends PushOutageScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
