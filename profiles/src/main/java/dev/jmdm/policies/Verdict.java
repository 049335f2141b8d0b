package dev.jmdm.policies;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a check on one host: the result, why (the comparisons that decided it), and the
 * facts those comparisons read, so a report can show what the server saw.
 */
public record Verdict(Result result, String reason, Map<String, Object> facts) {
    public Verdict {
        facts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    static Verdict of(Result result, String reason, String fact, Object value) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put(fact, value);
        return new Verdict(result, reason, f);
    }

    /** Combines the verdicts that decided a compound rule: their reasons joined, their facts merged. */
    static Verdict combine(Result result, List<Verdict> deciding) {
        StringBuilder reason = new StringBuilder();
        Map<String, Object> facts = new LinkedHashMap<>();
        for (Verdict v : deciding) {
            if (reason.length() > 0) {
                reason.append("; ");
            }
            reason.append(v.reason());
            facts.putAll(v.facts());
        }
        return new Verdict(result, reason.toString(), facts);
    }
}
