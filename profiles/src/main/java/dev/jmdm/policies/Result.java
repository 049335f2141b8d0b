package dev.jmdm.policies;

import java.util.Locale;

/** A host's standing against one policy. UNKNOWN when a fact the rule needs is missing: never a guess. */
public enum Result {
    PASS, FAIL, UNKNOWN;

    // Computed once: a full evaluation asks for it once per host and policy (millions of times).
    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The name used in the API, CSV and storage. */
    public String wire() {
        return wire;
    }

    public static Result fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
