package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** HTTPS, mTLS and enrollment on the embedded store. */
class TlsEnrollmentEmbeddedTest extends TlsEnrollmentScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
