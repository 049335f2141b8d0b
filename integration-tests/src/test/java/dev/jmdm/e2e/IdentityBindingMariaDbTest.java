package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The certificate binding scenarios on a fresh MySQL/MariaDB database. */
class IdentityBindingMariaDbTest extends IdentityBindingScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
