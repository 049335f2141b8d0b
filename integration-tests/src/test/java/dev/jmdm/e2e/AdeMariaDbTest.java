package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** Automated Device Enrollment (the device's side) end to end on the MariaDb store. */
class AdeMariaDbTest extends AdeScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
