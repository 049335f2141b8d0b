package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The GitOps scenarios on a fresh MySQL/MariaDB database. */
class GitopsMariaDbTest extends GitopsScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
