package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The re-enrollment scenarios on the embedded store. */
class ReEnrollmentEmbeddedTest extends ReEnrollmentScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
