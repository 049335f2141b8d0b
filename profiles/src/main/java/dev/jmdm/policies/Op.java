package dev.jmdm.policies;

import java.util.Locale;
import java.util.Optional;

/** The comparison operators of {fact: NAME, OP: VALUE}. */
public enum Op {
    EQ, NE, LT, LTE, GT, GTE, IN, CONTAINS, EXISTS, MATCHES;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Op> fromWire(String s) {
        for (Op op : values()) {
            if (op.wire().equals(s)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }

    boolean ordering() {
        return this == LT || this == LTE || this == GT || this == GTE;
    }

    /** Whether the operator applies to facts of this type. */
    boolean appliesTo(FactType type) {
        return switch (this) {
            case EQ, NE, IN, EXISTS -> true;
            case LT, LTE, GT, GTE -> type.ordered();
            case CONTAINS, MATCHES -> type.textual();
        };
    }
}
