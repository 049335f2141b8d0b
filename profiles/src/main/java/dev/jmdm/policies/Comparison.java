package dev.jmdm.policies;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * {fact: NAME, OP: VALUE}. The value was checked against the fact's type when the policy was parsed
 * ({@link RuleParser}), so evaluation only has to read the host's fact; a fact of the wrong shape
 * (a device that sent text where a number belongs) is UNKNOWN, like a missing one.
 */
public record Comparison(FactCatalog.Fact fact, Op op, Object value, String written) implements Rule {
    @Override
    public Verdict evaluate(Facts facts) {
        Object actual = facts.get(fact.name());
        if (op == Op.EXISTS) {
            boolean wanted = (Boolean) value;
            Result r = (actual != null) == wanted ? Result.PASS : Result.FAIL;
            return Verdict.of(r, fact.name() + (actual != null ? " exists" : " is missing") + ", wanted exists: " + wanted,
                    fact.name(), actual);
        }
        if (actual == null) {
            return Verdict.of(Result.UNKNOWN, fact.name() + " is not known", fact.name(), null);
        }
        Boolean holds;
        try {
            holds = holds(actual);
        } catch (BoundedRegex.BudgetExceeded e) {
            return Verdict.of(Result.UNKNOWN, fact.name() + ": " + e.getMessage(), fact.name(), actual);
        }
        if (holds == null) {
            return Verdict.of(Result.UNKNOWN, fact.name() + " = " + actual + " cannot be compared as " + fact.type().name().toLowerCase(),
                    fact.name(), actual);
        }
        return Verdict.of(holds ? Result.PASS : Result.FAIL, fact.name() + " = " + actual + ", wanted " + op.wire() + " " + written,
                fact.name(), actual);
    }

    @Override
    public Result test(Facts facts) {
        Object actual = facts.get(fact.name());
        if (op == Op.EXISTS) {
            return (actual != null) == (Boolean) value ? Result.PASS : Result.FAIL;
        }
        if (actual == null) {
            return Result.UNKNOWN;
        }
        try {
            Boolean holds = holds(actual);
            return holds == null ? Result.UNKNOWN : holds ? Result.PASS : Result.FAIL;
        } catch (BoundedRegex.BudgetExceeded e) {
            return Result.UNKNOWN;
        }
    }

    /** Whether the comparison holds; null when the host's value is not of the fact's type. */
    private Boolean holds(Object actual) {
        switch (op) {
            case EQ:
            case NE: {
                Integer c = compare(actual, value, true);
                return c == null ? null : (c == 0) == (op == Op.EQ);
            }
            case LT:
            case LTE:
            case GT:
            case GTE: {
                Integer c = compare(actual, value, false);
                if (c == null) {
                    return null;
                }
                return switch (op) {
                    case LT -> c < 0;
                    case LTE -> c <= 0;
                    case GT -> c > 0;
                    default -> c >= 0;
                };
            }
            case IN: {
                for (Object candidate : (List<?>) value) {
                    Integer c = compare(actual, candidate, true);
                    if (c == null) {
                        return null;
                    }
                    if (c == 0) {
                        return true;
                    }
                }
                return false;
            }
            case CONTAINS:
                return actual.toString().contains((String) value);
            case MATCHES:
                return ((BoundedRegex) value).find(actual.toString());
            default:
                throw new IllegalStateException(op.toString());
        }
    }

    /** Compares the host's value with a parsed policy value; null when the host's value has the wrong shape. */
    private Integer compare(Object actual, Object expected, boolean equality) {
        switch (fact.type()) {
            case NUMBER:
                if (!(actual instanceof Number n)) {
                    return null;
                }
                return Double.compare(n.doubleValue(), (Double) expected);
            case VERSION: {
                int[] a = Versions.parse(actual.toString());
                return a == null ? null : Versions.compare(a, (int[]) expected);
            }
            case DATE: {
                Instant a = RuleParser.instant(actual);
                return a == null ? null : a.compareTo((Instant) expected);
            }
            case BOOLEAN:
                if (!(actual instanceof Boolean b)) {
                    return null;
                }
                return b.equals(expected) ? 0 : 1;
            default:
                return Objects.equals(actual.toString(), expected) ? 0 : actual.toString().compareTo((String) expected) < 0 ? -1 : 1;
        }
    }
}
