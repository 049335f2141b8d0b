package dev.jmdm.server.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document the server serves (its resources) and the copy in docs/ are exactly what the answer
 * records and the route table generate: a changed record fails here until the document is regenerated with
 * {@code mvn -pl server -am test -Dtest=OpenApiDocumentTest -Dopenapi.write=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class OpenApiDocumentTest {
    private static final Path SERVED = Path.of("src/main/resources/openapi.json");
    private static final Path DOCS = Path.of("../docs/openapi.json");

    @Test
    void servedAndDocumentedCopiesAreWhatTheCodeGenerates() throws IOException {
        String generated = OpenApiDocument.text();
        if (Boolean.getBoolean("openapi.write")) {
            Files.writeString(SERVED, generated, StandardCharsets.UTF_8);
            Files.writeString(DOCS, generated, StandardCharsets.UTF_8);
        }
        String hint = "regenerate with -Dopenapi.write=true (see this test's comment)";
        assertThat(Files.readString(SERVED, StandardCharsets.UTF_8)).as(SERVED + ": " + hint).isEqualTo(generated);
        assertThat(Files.readString(DOCS, StandardCharsets.UTF_8)).as(DOCS + ": " + hint).isEqualTo(generated);
    }

    @Test
    void everyAnswerSchemaIsClosedAndNamesItsAlwaysPresentFields() {
        JsonNode schemas = OpenApiDocument.build().get("components").get("schemas");
        JsonNode host = schemas.get("Host");
        assertThat(host.get("properties").has("serial_number")).as("snake_case names from the answer mapper").isTrue();
        assertThat(host.get("properties").has("serialNumber")).isFalse();
        assertThat(host.get("additionalProperties").asBoolean(true)).isFalse();
        assertThat(host.get("required")).extracting(JsonNode::asText).containsExactly("id");
        JsonNode detail = schemas.get("HostDetail");
        assertThat(detail.get("properties").has("serial_number")).as("@JsonUnwrapped host fields are inlined").isTrue();
        assertThat(detail.get("required")).extracting(JsonNode::asText).containsExactly("id", "unlock_token_present");
        assertThat(schemas.get("Error").get("properties").has("error")).isTrue();
    }

    @Test
    void everyOperationHasAnAnswerAndEveryReferenceResolves() {
        JsonNode doc = OpenApiDocument.build();
        JsonNode schemas = doc.get("components").get("schemas");
        doc.get("paths").forEach(path -> path.forEach(op -> {
            assertThat(op.get("responses").size()).isGreaterThan(1);
        }));
        doc.findValues("$ref").forEach(ref -> assertThat(schemas.has(ref.asText().replace("#/components/schemas/", "")))
                .as(ref.asText()).isTrue());
        assertThat(new ObjectMapper().valueToTree(doc).get("openapi").asText()).isEqualTo("3.1.0");
    }
}
