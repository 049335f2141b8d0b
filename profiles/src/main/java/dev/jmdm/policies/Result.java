package dev.jmdm.policies;

import java.util.Locale;

/** A host's standing against one policy. UNKNOWN when a fact the rule needs is missing: never a guess. */
public enum Result {
    PASS, FAIL, UNKNOWN;

    /** The name used in the API, CSV and storage. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Result fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
