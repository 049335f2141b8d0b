package dev.jmdm.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The hand-written table against Apple's schema files (test resources apple/mdm/commands): same
 * request type, same top-level keys with the same types and presence, and for DeviceInformation
 * the same query names. Reads only the regular layout those files share, not YAML in general.
 */
class CommandSchemasTest {
    record YamlKey(String type, String presence) {
    }

    record Schema(String requestType, Map<String, YamlKey> keys, Set<String> queries) {
    }

    static Schema read(String file) throws IOException {
        try (InputStream in = CommandSchemasTest.class.getResourceAsStream("/apple/mdm/commands/" + file)) {
            assertThat(in).as(file).isNotNull();
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            String requestType = null;
            Map<String, YamlKey> keys = new LinkedHashMap<>();
            Set<String> queries = new TreeSet<>();
            String section = "";
            String current = null;
            String type = null;
            for (String line : new ArrayList<>(lines)) {
                if (!line.startsWith(" ") && !line.startsWith("-") && line.endsWith(":")) {
                    section = line.substring(0, line.length() - 1);
                    continue;
                }
                if (line.startsWith("  requesttype: ")) {
                    requestType = line.substring("  requesttype: ".length()).trim();
                }
                if (!section.equals("payloadkeys")) {
                    continue;
                }
                if (line.startsWith("- key: ")) {
                    current = line.substring(7).trim();
                    type = null;
                } else if (line.startsWith("  type: ") && current != null) {
                    type = line.substring(8).trim();
                } else if (line.startsWith("  presence: ") && current != null) {
                    keys.put(current, new YamlKey(type, line.substring(12).trim()));
                } else if (line.startsWith("    - key: ") && "Queries".equals(current)) {
                    queries.add(line.substring(11).trim());
                }
            }
            return new Schema(requestType, keys, queries);
        }
    }

    @Test
    void everyRequestTypeMatchesAppleSchema() throws IOException {
        for (CommandSchemas.Spec spec : CommandSchemas.SPECS.values()) {
            Schema apple = read(spec.schemaFile());
            assertThat(apple.requestType()).as(spec.schemaFile()).isEqualTo(spec.requestType());
            Map<String, YamlKey> ours = new LinkedHashMap<>();
            for (CommandSchemas.Key k : spec.keys()) {
                ours.put(k.name(), new YamlKey(k.type().yaml, k.required() ? "required" : "optional"));
            }
            assertThat(ours).as(spec.requestType()).isEqualTo(apple.keys());
        }
    }

    @Test
    void deviceInformationQueriesAreApples() throws IOException {
        assertThat(new TreeSet<>(CommandSchemas.DEVICE_INFORMATION_QUERIES)).isEqualTo(read("information.device.yaml").queries());
        assertThat(CommandSchemas.DEVICE_INFORMATION_QUERIES).containsAll(InventoryCollector.QUERIES);
    }
}
