package dev.jmdm.server.openapi;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jmdm.server.http.Json;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.media.Schema;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates the OpenAPI 3.1 document of the admin API from {@link OpenApiRoutes} and the answer records.
 * swagger-core reads the records through the server's own answer mapper ({@link Json#MAPPER}), so property
 * names are the snake_case ones on the wire. Two rules it cannot see are added here: a primitive component is
 * always present (required), and a record's answer has no properties but its own (additionalProperties false),
 * so a renamed or new field fails the contract test until the document is regenerated.
 */
public final class OpenApiDocument {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([a-z_]+)}");
    private static final List<String> INTEGER_QUERIES = List.of("limit", "hours");
    private static final PropertyNamingStrategies.NamingBase SNAKE = (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    private OpenApiDocument() {
    }

    /** The document as the server serves it: pretty-printed JSON with a final newline. */
    public static String text() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(build()) + "\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static ObjectNode build() {
        Map<String, Class<?>> records = new TreeMap<>();
        for (OpenApiRoutes.Operation op : OpenApiRoutes.all()) {
            op.answers().forEach(a -> a.types().forEach(t -> collect(t, records)));
        }
        records.put("Error", Json.Error.class);
        ObjectNode doc = NODES.objectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "jmdm admin API");
        info.put("version", "1");
        info.put("description", "The admin API of jmdm. Answers are JSON objects in snake_case; a field whose value is null is left out."
                + " Every refusal is {\"error\": \"...\"} with a 4xx or 5xx status unless an operation lists another shape."
                + " Generated from the server's answer records (docs/architecture.md, \"Answers and the OpenAPI contract\").");
        ArrayNode security = doc.putArray("security");
        security.addObject().putArray("basic");
        security.addObject().putArray("session");
        ObjectNode paths = doc.putObject("paths");
        for (OpenApiRoutes.Operation op : OpenApiRoutes.all()) {
            ObjectNode path = paths.has(op.path()) ? (ObjectNode) paths.get(op.path()) : paths.putObject(op.path());
            path.set(op.method().toLowerCase(), operation(op));
        }
        ObjectNode components = doc.putObject("components");
        ObjectNode schemas = components.putObject("schemas");
        ModelConverters converters = new ModelConverters(true);
        converters.addConverter(new ModelResolver(Json.MAPPER).openapi31(true));
        Map<String, Schema> resolved = new TreeMap<>();
        for (Class<?> type : records.values()) {
            resolved.putAll(converters.readAll(new AnnotatedType(type)));
        }
        for (var e : resolved.entrySet()) {
            ObjectNode schema = Json31.mapper().valueToTree(e.getValue());
            Class<?> type = records.get(e.getKey());
            if (type == null) {
                throw new IllegalStateException("schema " + e.getKey() + " has no answer record");
            }
            List<String> required = required(type);
            if (!required.isEmpty()) {
                ArrayNode r = NODES.arrayNode();
                required.forEach(r::add);
                schema.set("required", r);
            }
            schema.put("additionalProperties", false);
            schemas.set(e.getKey(), schema);
        }
        ObjectNode schemes = components.putObject("securitySchemes");
        ObjectNode basic = schemes.putObject("basic");
        basic.put("type", "http");
        basic.put("scheme", "basic");
        basic.put("description", "User nanomdm with MDM_API_KEY as the password, or a key's name and key from MDM_API_KEYS; acts as admin.");
        ObjectNode session = schemes.putObject("session");
        session.put("type", "apiKey");
        session.put("in", "cookie");
        session.put("name", "jmdm_session");
        session.put("description", "A signed-in user's session (POST /v1/session). Every POST, PUT, PATCH and DELETE also sends the"
                + " session's csrf_token as the X-CSRF-Token header (else 403); the user's role must cover the route (else 403).");
        return doc;
    }

    private static ObjectNode operation(OpenApiRoutes.Operation op) {
        ObjectNode o = NODES.objectNode();
        o.putArray("tags").add(op.tag());
        o.put("summary", op.summary());
        ArrayNode params = NODES.arrayNode();
        Matcher m = PATH_PARAM.matcher(op.path());
        while (m.find()) {
            ObjectNode p = params.addObject();
            p.put("name", m.group(1));
            p.put("in", "path");
            p.put("required", true);
            p.putObject("schema").put("type", "string");
        }
        for (String q : op.query()) {
            ObjectNode p = params.addObject();
            p.put("name", q);
            p.put("in", "query");
            p.putObject("schema").put("type", INTEGER_QUERIES.contains(q) ? "integer" : "string");
        }
        if (!params.isEmpty()) {
            o.set("parameters", params);
        }
        if (op.body() != null) {
            o.putObject("requestBody").put("required", true).putObject("content").putObject(op.body());
        }
        ObjectNode responses = o.putObject("responses");
        Map<Integer, List<OpenApiRoutes.Answer>> byStatus = new TreeMap<>();
        op.answers().forEach(a -> byStatus.computeIfAbsent(a.status(), s -> new ArrayList<>()).add(a));
        for (var e : byStatus.entrySet()) {
            ObjectNode r = responses.putObject(String.valueOf(e.getKey()));
            r.put("description", e.getValue().get(0).description());
            for (OpenApiRoutes.Answer a : e.getValue()) {
                if (a.contentType() != null) {
                    ObjectNode media = r.with("content").putObject(a.contentType());
                    if (!a.types().isEmpty()) {
                        media.set("schema", schemaOf(a.types()));
                    }
                }
            }
        }
        ObjectNode refusal = responses.putObject("default");
        refusal.put("description", "refused: {\"error\": \"...\"}");
        refusal.putObject("content").putObject(OpenApiRoutes.JSON).set("schema", ref(Json.Error.class));
        if (op.open()) {
            o.putArray("security");
        }
        return o;
    }

    private static JsonNode schemaOf(List<Class<?>> types) {
        if (types.size() == 1) {
            return ref(types.get(0));
        }
        ObjectNode any = NODES.objectNode();
        ArrayNode list = any.putArray("anyOf");
        types.forEach(t -> list.add(ref(t)));
        return any;
    }

    private static ObjectNode ref(Class<?> type) {
        return NODES.objectNode().put("$ref", "#/components/schemas/" + type.getSimpleName());
    }

    /** Every record reachable from an answer, by schema name; two records with one name would share a schema. */
    private static void collect(Type type, Map<String, Class<?>> records) {
        if (type instanceof ParameterizedType p) {
            for (Type arg : p.getActualTypeArguments()) {
                collect(arg, records);
            }
            return;
        }
        if (type instanceof WildcardType w) {
            for (Type bound : w.getUpperBounds()) {
                collect(bound, records);
            }
            return;
        }
        if (!(type instanceof Class<?> c) || !c.isRecord()) {
            return;
        }
        Class<?> seen = records.putIfAbsent(c.getSimpleName(), c);
        if (seen != null && seen != c) {
            throw new IllegalStateException("two answer records are named " + c.getSimpleName() + ": " + seen.getName() + ", " + c.getName());
        }
        if (seen == null) {
            for (RecordComponent rc : c.getRecordComponents()) {
                collect(rc.getGenericType(), records);
            }
        }
    }

    /** Primitive components are never null, so never left out; unwrapped records bring theirs. */
    private static List<String> required(Class<?> type) {
        List<String> out = new ArrayList<>();
        for (RecordComponent rc : type.getRecordComponents()) {
            if (rc.isAnnotationPresent(JsonUnwrapped.class) || rc.getAccessor().isAnnotationPresent(JsonUnwrapped.class)) {
                out.addAll(required(rc.getType()));
            } else if (rc.getType().isPrimitive()) {
                out.add(SNAKE.translate(rc.getName()));
            }
        }
        return out;
    }
}
