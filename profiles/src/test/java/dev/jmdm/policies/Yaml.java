package dev.jmdm.policies;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** Policy documents in tests are YAML text, read the way the server reads them. */
final class Yaml {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Yaml() {
    }

    static Object read(String text) {
        try {
            return YAML.readValue(text, Object.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static PolicyDocument policy(String text) {
        PolicyParser.Parsed p = PolicyParser.parse(read(text));
        if (!p.valid()) {
            throw new AssertionError("expected a valid policy: " + p.problems());
        }
        return p.document();
    }

    /** A policy named t whose check is the given YAML rule. */
    static Rule rule(String ruleYaml) {
        return policy("name: t\ncheck: " + ruleYaml).check();
    }
}
