package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** Apple Business Manager's side of ADE on the MariaDb store. */
class DepMariaDbTest extends DepScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
