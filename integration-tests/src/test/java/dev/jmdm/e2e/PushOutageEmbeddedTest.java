package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** APNs outages on the embedded store. */
class PushOutageEmbeddedTest extends PushOutageScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
