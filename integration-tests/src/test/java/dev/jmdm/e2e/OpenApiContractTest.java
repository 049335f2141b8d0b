package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OpenAPI document against the running server: it lists exactly the routes the server registers, it is
 * served without an API key, and the answer check that every {@link TestServer} scenario runs through
 * ({@link ApiContract}) refuses answers whose names, types or required fields differ from it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestServer server;

    @BeforeAll
    void start() throws Exception {
        server = new TestServer(TestDatabases.Engine.EMBEDDED, Files.createTempDirectory("jmdm-openapi"), Map.of("MDM_INVENTORY", "true"));
    }

    @AfterAll
    void stop() {
        server.stop();
    }

    @Test
    void theDocumentListsExactlyTheRoutesTheServerRegisters() {
        TreeSet<String> documented = new TreeSet<>();
        JsonNode paths = ApiContract.INSTANCE.document().get("paths");
        for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
            String path = it.next();
            paths.get(path).fields().forEachRemaining(op -> {
                // the open ones (health, version, this document) are registered beside the API key's router
                if (!op.getValue().has("security")) {
                    documented.add(op.getKey().toUpperCase() + " " + path);
                }
            });
        }
        assertThat(documented).as("documented operations that need the API key").isEqualTo(new TreeSet<>(server.adminRoutes()));
    }

    @Test
    void theDocumentIsServedWithoutAKeyAndIsTheOneTheChecksUse() throws Exception {
        HttpResponse<String> r = server.http.send(HttpRequest.newBuilder(server.baseUri().resolve("/openapi.json")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(r.body())).isEqualTo(ApiContract.INSTANCE.document());
        assertThat(ApiContract.INSTANCE.document().get("openapi").asText()).startsWith("3.1");
    }

    @Test
    void everyDocumentedListWithoutParametersAnswersAsDocumented() {
        // each call is checked by ApiContract (TestServer's client observes every answer); this covers the reads no
        // scenario might make on an empty server
        for (String path : new String[] {"/v1/hosts", "/v1/enrollments", "/v1/profiles", "/v1/groups", "/v1/policies", "/v1/events",
                "/v1/compliance", "/v1/compliance/summary", "/v1/pushcert", "/v1/enrollment-links", "/v1/audit", "/healthz", "/readyz",
                "/version"}) {
            assertThat(server.admin.send("GET", path, null).status()).as(path).isEqualTo(200);
        }
        assertThat(server.admin.send("GET", "/v1/hosts/no-such-host", null).status()).isEqualTo(404);
        assertThat(server.admin.send("GET", "/v1/no-such-route", null).status()).isEqualTo(404);
    }

    @Test
    void answersWithOtherNamesTypesOrMissingFieldsAreRefused() throws Exception {
        ApiContract contract = ApiContract.INSTANCE;
        String host = "{\"id\": 7, \"serial_number\": \"C02\", \"status\": \"pending\", \"groups\": [], \"created_at\": \"2026-01-01T00:00:00Z\"}";
        assertThat(contract.check("GET", "/v1/hosts?limit=5", reply(200, "{\"hosts\": [" + host + "]}"))).isEmpty();
        assertThat(contract.check("GET", "/v1/hosts", reply(200, "{\"hosts\": [{\"id\": 7, \"serialNumber\": \"C02\"}]}")))
                .as("a camelCase name").isNotEmpty();
        assertThat(contract.check("GET", "/v1/hosts", reply(200, "{\"hosts\": [{\"id\": \"7\"}]}"))).as("a string for a number").isNotEmpty();
        assertThat(contract.check("GET", "/v1/hosts", reply(200, "{\"hosts\": [{\"serial_number\": \"C02\"}]}")))
                .as("a required field missing").isNotEmpty();
        assertThat(contract.check("GET", "/v1/hosts/7", reply(200, "{\"hosts\": []}"))).as("another route's shape").isNotEmpty();
        assertThat(contract.check("GET", "/v1/hosts/7", reply(404, "{\"error\": \"no host 7\"}"))).isEmpty();
        assertThat(contract.check("GET", "/v1/hosts/7", reply(404, "{\"message\": \"no host 7\"}"))).as("a refusal's shape").isNotEmpty();
        assertThat(contract.check("GET", "/v1/hosts", reply(201, "{\"hosts\": []}"))).as("an undocumented success status").isNotEmpty();
        assertThat(contract.check("PUT", "/v1/enqueue/a,b", reply(404,
                "{\"command_uuid\": \"u\", \"request_type\": \"ProfileList\", \"status\": {\"a\": {\"command_error\": \"unknown enrollment id\"}},"
                        + " \"command_error\": \"unknown enrollment id(s); nothing was enqueued\"}"))).as("nanomdm's shape").isEmpty();
    }

    private static AdminClient.Reply reply(int status, String body) throws Exception {
        return new AdminClient.Reply(status, JSON.readTree(body), body);
    }
}
