package dev.jmdm.policies;

/** How a fact's values compare. */
public enum FactType {
    /** Text: eq, ne, in, contains, matches. */
    STRING,
    /** Numbers: every comparison. */
    NUMBER,
    /** true or false: eq, ne, in. */
    BOOLEAN,
    /** Dotted versions compared part by part, so 15.10 is after 15.9. */
    VERSION,
    /** Instants, written as ISO-8601 (2026-01-31 or 2026-01-31T12:00:00Z). */
    DATE;

    boolean ordered() {
        return this == NUMBER || this == VERSION || this == DATE;
    }

    boolean textual() {
        return this == STRING || this == VERSION;
    }
}
