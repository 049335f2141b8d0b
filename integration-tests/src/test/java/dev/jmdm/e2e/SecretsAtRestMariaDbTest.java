package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The secrets-at-rest scenarios on a fresh MySQL/MariaDB database. */
class SecretsAtRestMariaDbTest extends SecretsAtRestScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
