package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The GitOps scenarios on the embedded H2 store. */
class GitopsEmbeddedTest extends GitopsScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
