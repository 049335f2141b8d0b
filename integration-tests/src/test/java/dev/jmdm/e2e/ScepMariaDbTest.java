package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** SCEP end to end on the MariaDb store. */
class ScepMariaDbTest extends ScepScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
