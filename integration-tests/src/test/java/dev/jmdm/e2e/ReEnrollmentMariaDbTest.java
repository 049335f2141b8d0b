package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The re-enrollment scenarios on a fresh MySQL/MariaDB database. */
class ReEnrollmentMariaDbTest extends ReEnrollmentScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
