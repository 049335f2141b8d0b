package dev.jmdm.e2e;

import dev.jmdm.server.testing.TestDatabases;

/** The certificate binding scenarios on the embedded store. */
class IdentityBindingEmbeddedTest extends IdentityBindingScenarios {
    @Override
    TestDatabases.Engine engine() {
        return TestDatabases.Engine.EMBEDDED;
    }
}
