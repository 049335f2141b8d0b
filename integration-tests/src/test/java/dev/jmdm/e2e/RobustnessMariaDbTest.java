package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The robustness suite on a fresh MySQL/MariaDB database. */
class RobustnessMariaDbTest extends RobustnessScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
