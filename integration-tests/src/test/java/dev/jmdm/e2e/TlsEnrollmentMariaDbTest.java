package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** HTTPS, mTLS and enrollment on MySQL/MariaDB. */
class TlsEnrollmentMariaDbTest extends TlsEnrollmentScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.MYSQL;
    }
}
