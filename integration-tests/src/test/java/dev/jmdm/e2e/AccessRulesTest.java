package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.accounts.AccessRules;
import dev.jmdm.server.testing.TestDatabases;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every admin API route the server registers has a line in {@link AccessRules} (a route without one is admin-only for
 * signed-in users until someone decides), and only signing in is open.
 */
class AccessRulesTest {
    @Test
    void everyRegisteredRouteHasARoleRule() throws Exception {
        TestServer server = new TestServer(TestDatabases.Engine.EMBEDDED, Files.createTempDirectory("jmdm-rules"),
                Map.of("MDM_INVENTORY", "true"));
        try {
            List<String> routes = server.adminRoutes();
            assertThat(routes).contains("GET /v1/hosts", "POST /v1/users", "POST /migration").hasSizeGreaterThan(60);
            List<String> missing = routes.stream().filter(r -> {
                String[] mt = r.split(" ", 2);
                return AccessRules.required(mt[0], mt[1]).isEmpty();
            }).toList();
            assertThat(missing).as("routes without a line in AccessRules").isEmpty();
            assertThat(server.openRoutes()).containsExactly("POST /v1/session");
        } finally {
            server.stop();
        }
    }
}
