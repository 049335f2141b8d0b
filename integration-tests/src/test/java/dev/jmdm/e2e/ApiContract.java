package dev.jmdm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.jmdm.sim.AdminClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The admin API's OpenAPI document (the server's openapi.json) as a check on real answers: every JSON answer
 * a test server gives its {@link AdminClient} must match the schema documented for its route and status (or
 * the refusal shape for an undocumented status), so every scenario that calls the API also proves the
 * document. A route not in the document must still refuse in the documented error shape.
 */
final class ApiContract implements AdminClient.Observer {
    private static final Pattern PARAM = Pattern.compile("\\{[a-z_]+}");
    private static final String ERROR_REF = "#/components/schemas/Error";
    static final ApiContract INSTANCE = new ApiContract(load());

    private final JsonNode document;
    private final List<Route> routes = new ArrayList<>();
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private record Route(String template, Pattern pattern, int literals) {
    }

    ApiContract(JsonNode document) {
        this.document = document;
        for (Iterator<String> it = document.get("paths").fieldNames(); it.hasNext(); ) {
            String template = it.next();
            String regex = PARAM.matcher(Pattern.quote(template)).replaceAll("\\\\E[^/]+\\\\Q");
            int literals = (int) java.util.Arrays.stream(template.split("/")).filter(s -> !s.startsWith("{")).count();
            routes.add(new Route(template, Pattern.compile(regex), literals));
        }
    }

    static JsonNode load() {
        try (InputStream in = ApiContract.class.getResourceAsStream("/openapi.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode document() {
        return document;
    }

    @Override
    public void answered(String method, String pathAndQuery, AdminClient.Reply reply) {
        List<String> problems = check(method, pathAndQuery, reply);
        if (!problems.isEmpty()) {
            throw new AssertionError(method + " " + pathAndQuery + " answered " + reply.status() + " outside the OpenAPI document "
                    + "(server/src/main/resources/openapi.json): " + problems + "\nanswer: " + reply.body());
        }
    }

    /** What is wrong with this answer by the document; empty when it matches. */
    List<String> check(String method, String pathAndQuery, AdminClient.Reply reply) {
        JsonNode operation = operation(method, pathAndQuery);
        JsonNode responses = operation == null ? null : operation.get("responses");
        JsonNode response = responses == null ? null : responses.get(String.valueOf(reply.status()));
        if (response == null && reply.status() >= 400) {
            response = responses == null ? null : responses.get("default");
            if (response == null) {
                return reply.json() == null ? List.of() : validate(ERROR_REF, reply.json());
            }
        }
        if (response == null) {
            return List.of("status " + reply.status() + " is not documented for this operation");
        }
        JsonNode schema = response.path("content").path("application/json").get("schema");
        if (reply.json() == null || !reply.json().isObject()) {
            boolean jsonDocumented = schema != null && !response.path("content").has("text/csv");
            return jsonDocumented && reply.status() < 300 ? List.of("expected a JSON object") : List.of();
        }
        if (schema == null) {
            return response.path("content").has("application/json") ? List.of() : List.of("a JSON answer is not documented here");
        }
        return validate(schema, reply.json());
    }

    private JsonNode operation(String method, String pathAndQuery) {
        String path = pathAndQuery.split("\\?", 2)[0];
        String decoded = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        Route best = null;
        for (Route r : routes) {
            if ((r.pattern().matcher(path).matches() || r.pattern().matcher(decoded).matches())
                    && document.get("paths").get(r.template()).has(method.toLowerCase())
                    && (best == null || r.literals() > best.literals())) {
                best = r;
            }
        }
        return best == null ? null : document.get("paths").get(best.template()).get(method.toLowerCase());
    }

    private List<String> validate(String ref, JsonNode answer) {
        return validate(new ObjectMapper().createObjectNode().put("$ref", ref), answer);
    }

    private List<String> validate(JsonNode schema, JsonNode answer) {
        Schema compiled = schemas.computeIfAbsent(schema.toString(), k -> {
            ObjectNode wrapper = schema.deepCopy();
            wrapper.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            wrapper.set("components", document.get("components"));
            return registry.getSchema(wrapper);
        });
        return compiled.validate(answer).stream().map(Error::toString).toList();
    }
}
