package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** Queue retention and expiry on the embedded store. */
class QueueScaleEmbeddedTest extends QueueScaleScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
