package dev.jmdm.e2e.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of an admin API request body: values swapped for another JSON type, over-long
 * strings, keys removed or added, deep nesting, huge arrays, duplicated keys, random JSON, and
 * byte damage. The same seed gives the same inputs.
 */
public final class JsonMutator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Keys the admin API reads somewhere. */
    static final String[] KEYS = {
        "request_type", "hosts", "queries", "identifiers", "identifier", "managed_apps_only", "serials", "groups",
        "exclude_groups", "exclude_hosts", "all", "expires_at", "max_uses", "note", "message", "phone_number",
        "confirm", "preserve_data_plan", "disallow_proximity_setup", "obliteration_behavior", "notify_user",
        "RequestType", "Queries", "Identifiers", "items", "Items", "pin", "uuid", "version", "",
    };

    private final Random r;

    public JsonMutator(Random r) {
        this.r = r;
    }

    public byte[] mutate(String seedJson) {
        JsonNode doc;
        try {
            doc = JSON.readTree(seedJson);
        } catch (Exception e) {
            throw new IllegalStateException("a seed that is not JSON: " + seedJson, e);
        }
        if (r.nextInt(20) == 0) {
            doc = random(4);
        }
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
            doc = structural(doc);
        }
        String text = r.nextInt(40) == 0 ? deepText(1000 + r.nextInt(20_000)) : doc.toString();
        if (r.nextInt(10) < 2) {
            text = duplicateKey(text);
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (r.nextInt(10) < 2) {
            bytes = r.nextBoolean() ? ByteMutations.flip(bytes, r) : ByteMutations.truncate(bytes, r);
        }
        return bytes;
    }

    private record Slot(JsonNode parent, String key, int index) {
        void set(JsonNode value) {
            if (parent instanceof ObjectNode o) {
                o.set(key, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }
    }

    private static void slots(JsonNode n, List<Slot> out, int depth) {
        if (depth > 40) {
            return;
        }
        if (n instanceof ObjectNode o) {
            o.fieldNames().forEachRemaining(k -> out.add(new Slot(o, k, -1)));
            o.elements().forEachRemaining(c -> slots(c, out, depth + 1));
        } else if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                out.add(new Slot(a, null, i));
                slots(a.get(i), out, depth + 1);
            }
        }
    }

    private JsonNode structural(JsonNode doc) {
        List<Slot> slots = new ArrayList<>();
        slots(doc, slots, 0);
        Slot slot = slots.isEmpty() ? null : slots.get(r.nextInt(slots.size()));
        switch (r.nextInt(8)) {
            case 0, 1 -> {
                if (slot != null) {
                    slot.set(random(2));
                }
            }
            case 2 -> {
                if (slot != null) {
                    slot.set(F.textNode(longText()));
                }
            }
            case 3 -> {
                if (slot != null && slot.parent() instanceof ObjectNode o) {
                    o.remove(slot.key());
                }
            }
            case 4 -> {
                if (doc instanceof ObjectNode o) {
                    o.set(KEYS[r.nextInt(KEYS.length)], random(2));
                }
            }
            case 5 -> {
                JsonNode deep = nested(50 + r.nextInt(900));
                if (slot != null) {
                    slot.set(deep);
                } else {
                    return deep;
                }
            }
            case 6 -> {
                if (slot != null) {
                    ArrayNode a = F.arrayNode();
                    JsonNode item = r.nextBoolean() ? F.textNode("x") : F.numberNode(r.nextInt());
                    for (int i = 0, n = 100 + r.nextInt(5000); i < n; i++) {
                        a.add(item);
                    }
                    slot.set(a);
                }
            }
            default -> {
                if (slot != null) {
                    slot.set(edge());
                }
            }
        }
        return doc;
    }

    private JsonNode edge() {
        return switch (r.nextInt(10)) {
            case 0 -> F.textNode("");
            case 1 -> F.textNode(" ");
            case 2 -> F.numberNode(Long.MAX_VALUE);
            case 3 -> F.numberNode(-1);
            case 4 -> F.numberNode(new java.math.BigInteger("99999999999999999999999999999999"));
            case 5 -> F.numberNode(1e308 * 10);
            case 6 -> F.textNode("\u0000\ud800");
            case 7 -> F.textNode("+999999999-12-31T23:59:59Z");
            case 8 -> F.nullNode();
            default -> F.textNode("../../etc/passwd?#%ZZ");
        };
    }

    private JsonNode nested(int depth) {
        JsonNode n = F.textNode("bottom");
        for (int i = 0; i < depth; i++) {
            n = r.nextBoolean() ? F.arrayNode().add(n) : F.objectNode().set("hosts", n);
        }
        return n;
    }

    /** Nesting deeper than Jackson writes: arrays or objects opened depth times. */
    private String deepText(int depth) {
        boolean arrays = r.nextBoolean();
        String open = arrays ? "[" : "{\"hosts\":";
        String close = arrays ? "]" : "}";
        return open.repeat(depth) + "1" + (r.nextBoolean() ? close.repeat(depth) : "");
    }

    private String longText() {
        int[] lengths = {256, 1024, 1025, 4096, 30_000, 70_000};
        return "h".repeat(lengths[r.nextInt(lengths.length)]);
    }

    /** Any JSON value, nested at most depth levels. */
    JsonNode random(int depth) {
        return switch (r.nextInt(depth > 0 ? 8 : 6)) {
            case 0 -> F.textNode(Long.toString(r.nextLong(), 36));
            case 1 -> F.numberNode(r.nextInt(2000) - 1000);
            case 2 -> F.numberNode(r.nextDouble());
            case 3 -> F.booleanNode(r.nextBoolean());
            case 4 -> F.nullNode();
            case 5 -> F.textNode(KEYS[r.nextInt(KEYS.length)]);
            case 6 -> {
                ObjectNode o = F.objectNode();
                for (int i = 0, n = r.nextInt(4); i < n; i++) {
                    o.set(KEYS[r.nextInt(KEYS.length)], random(depth - 1));
                }
                yield o;
            }
            default -> {
                ArrayNode a = F.arrayNode();
                for (int i = 0, n = r.nextInt(4); i < n; i++) {
                    a.add(random(depth - 1));
                }
                yield a;
            }
        };
    }

    /** The first {@code "key":} written a second time with another value. */
    private String duplicateKey(String text) {
        int colon = text.indexOf("\":");
        int open = colon < 0 ? -1 : text.lastIndexOf('"', colon - 1);
        if (open < 0 || !text.startsWith("{")) {
            return text;
        }
        String key = text.substring(open, colon + 2);
        return "{" + key + random(1) + "," + text.substring(1);
    }
}
