package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The secrets-at-rest scenarios on the embedded H2 store. */
class SecretsAtRestEmbeddedTest extends SecretsAtRestScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
