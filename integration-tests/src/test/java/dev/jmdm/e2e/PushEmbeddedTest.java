package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** APNs scenarios on the embedded store. */
class PushEmbeddedTest extends PushScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
