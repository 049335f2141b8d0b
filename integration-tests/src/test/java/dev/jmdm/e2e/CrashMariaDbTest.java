package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The crash scenarios on the MySQL/MariaDB store. */
class CrashMariaDbTest extends CrashScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
