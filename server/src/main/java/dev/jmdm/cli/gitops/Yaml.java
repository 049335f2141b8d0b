package dev.jmdm.cli.gitops;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * YAML with the line of every value, so a problem in a folder names its file and line. Jackson's tree drops
 * locations; a second pass over the token stream records the line where each JSON pointer's value starts.
 */
public final class Yaml {
    public static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    /** A parsed document and the line (1-based) of each pointer ({@code /profiles/0/targets}). */
    public record Located(JsonNode tree, Map<String, Integer> lines) {
        /** The line of the pointer, or of its nearest parent that has one, else 1. */
        public int line(String pointer) {
            String p = pointer;
            while (true) {
                Integer l = lines.get(p);
                if (l != null) {
                    return l;
                }
                int cut = p.lastIndexOf('/');
                if (cut <= 0) {
                    return lines.getOrDefault("", 1);
                }
                p = p.substring(0, cut);
            }
        }
    }

    /** A YAML syntax error at a line. */
    public static final class SyntaxError extends Exception {
        public final int line;

        SyntaxError(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    private Yaml() {
    }

    public static Located read(String text) throws SyntaxError {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            throw new SyntaxError(line, "not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = MAPPER.getFactory().createParser(text)) {
            Deque<Object> path = new ArrayDeque<>();
            // For arrays: the next index to hand out; for objects: the current field name.
            Deque<int[]> indexes = new ArrayDeque<>();
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                int line = p.currentTokenLocation().getLineNr();
                if (t == JsonToken.FIELD_NAME) {
                    path.push(p.currentName());
                    lines.putIfAbsent(pointer(path), line);
                    continue;
                }
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    if (t == JsonToken.END_ARRAY) {
                        indexes.pop();
                    }
                    popValue(path, indexes);
                    continue;
                }
                if (!indexes.isEmpty() && inArray(path)) {
                    path.push(indexes.peek()[0]++);
                }
                lines.putIfAbsent(pointer(path), line);
                if (t == JsonToken.START_ARRAY) {
                    indexes.push(new int[] {0});
                    path.push(ARRAY);
                } else if (t == JsonToken.START_OBJECT) {
                    path.push(OBJECT);
                } else {
                    popValue(path, indexes);
                }
            }
        } catch (IOException e) {
            throw new SyntaxError(1, "not valid YAML: " + e.getMessage());
        }
        return new Located(tree, lines);
    }

    private static final Object ARRAY = new Object();
    private static final Object OBJECT = new Object();

    private static boolean inArray(Deque<Object> path) {
        return path.peek() == ARRAY;
    }

    /** A value ended: drop its container marker (if it was one) and the key or index that led to it. */
    private static void popValue(Deque<Object> path, Deque<int[]> indexes) {
        if (path.peek() == ARRAY || path.peek() == OBJECT) {
            path.pop();
        }
        if (!path.isEmpty() && path.peek() != ARRAY && path.peek() != OBJECT) {
            path.pop();
        }
    }

    private static String pointer(Deque<Object> path) {
        StringBuilder sb = new StringBuilder();
        var it = path.descendingIterator();
        while (it.hasNext()) {
            Object o = it.next();
            if (o == ARRAY || o == OBJECT) {
                continue;
            }
            sb.append('/').append(o.toString().replace("~", "~0").replace("/", "~1"));
        }
        return sb.toString();
    }

    /** A problem path as the policy parser writes it ({@code check.all[2].gte}) as a pointer. */
    public static String pointerOf(String dotted) {
        if (dotted == null || dotted.equals("$") || dotted.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (String part : dotted.replace("[", ".").replace("]", "").split("\\.")) {
            if (!part.isEmpty() && !part.equals("$")) {
                sb.append('/').append(part);
            }
        }
        return sb.toString();
    }
}
