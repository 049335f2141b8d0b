package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The crash scenarios on the embedded H2 file store. */
class CrashEmbeddedTest extends CrashScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
