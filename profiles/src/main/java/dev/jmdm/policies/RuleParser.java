package dev.jmdm.policies;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads a check (the tree of maps and lists YAML or JSON gives) into a {@link Rule}, collecting every
 * problem with its path rather than stopping at the first, so an admin fixes a document in one go.
 */
final class RuleParser {
    static final int MAX_DEPTH = 16;
    static final int MAX_RULES = 500;
    static final int MAX_LIST = 1000;

    private final List<Problem> problems;
    private int rules;

    RuleParser(List<Problem> problems) {
        this.problems = problems;
    }

    /** The rule at path, or null when it has problems (they are added). */
    Rule parse(Object node, String path) {
        return parse(node, path, 0);
    }

    private Rule parse(Object node, String path, int depth) {
        if (depth > MAX_DEPTH) {
            return fail(path, "rules nest deeper than " + MAX_DEPTH + " levels");
        }
        if (++rules > MAX_RULES) {
            return rules == MAX_RULES + 1 ? fail(path, "a check has at most " + MAX_RULES + " rules") : null;
        }
        if (!(node instanceof Map<?, ?> map)) {
            return fail(path, "a rule must be a map: {all: [...]}, {any: [...]}, {not: {...}}, {fact: NAME, OP: VALUE}, {app: {...}} or {profile: {...}}");
        }
        if (map.containsKey("fact")) {
            return comparison(map, path);
        }
        if (map.size() != 1) {
            return fail(path, "a rule has exactly one of all, any, not, app, profile (or fact with one operator); found " + keys(map));
        }
        var e = map.entrySet().iterator().next();
        String key = String.valueOf(e.getKey());
        String at = path + "." + key;
        return switch (key) {
            case "all", "any" -> list(key, e.getValue(), at, depth);
            case "not" -> {
                Rule inner = parse(e.getValue(), at, depth + 1);
                yield inner == null ? null : new Rule.Not(inner);
            }
            case "app" -> app(e.getValue(), at);
            case "profile" -> profile(e.getValue(), at);
            default -> fail(at, "unknown rule; use all, any, not, fact, app or profile");
        };
    }

    private Rule list(String kind, Object value, String path, int depth) {
        if (!(value instanceof List<?> items) || items.isEmpty()) {
            return fail(path, "a non-empty list of rules");
        }
        List<Rule> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            Rule r = parse(items.get(i), path + "[" + i + "]", depth + 1);
            ok &= r != null;
            out.add(r);
        }
        if (!ok) {
            return null;
        }
        return kind.equals("all") ? new Rule.All(List.copyOf(out)) : new Rule.Any(List.copyOf(out));
    }

    private Rule comparison(Map<?, ?> map, String path) {
        Object name = map.get("fact");
        Optional<FactCatalog.Fact> fact = name instanceof String s ? FactCatalog.find(s) : Optional.empty();
        if (fact.isEmpty()) {
            fail(path + ".fact", (name instanceof String ? "unknown fact " + name : "a fact name")
                    + "; known facts: " + FactCatalog.all().stream().map(FactCatalog.Fact::name).collect(Collectors.joining(", ")));
        }
        List<String> ops = new ArrayList<>();
        for (Object k : map.keySet()) {
            if (!"fact".equals(k)) {
                ops.add(String.valueOf(k));
            }
        }
        if (ops.size() != 1) {
            return fail(path, "a comparison has exactly one operator (eq, ne, lt, lte, gt, gte, in, contains, exists, matches); found "
                    + (ops.isEmpty() ? "none" : String.join(", ", ops)));
        }
        String at = path + "." + ops.get(0);
        Optional<Op> op = Op.fromWire(ops.get(0));
        if (op.isEmpty()) {
            return fail(at, "unknown operator; use eq, ne, lt, lte, gt, gte, in, contains, exists or matches");
        }
        if (fact.isEmpty()) {
            return null;
        }
        FactCatalog.Fact f = fact.get();
        if (!op.get().appliesTo(f.type())) {
            return fail(at, op.get().wire() + " does not apply to " + f.name() + " (" + f.type().name().toLowerCase() + ")");
        }
        Object raw = map.get(ops.get(0));
        Object value = value(f, op.get(), raw, at);
        return value == null ? null : new Comparison(f, op.get(), value, written(raw));
    }

    private static String written(Object raw) {
        return raw instanceof List<?> l ? l.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]")) : String.valueOf(raw);
    }

    /** The policy value parsed for the fact's type, or null (with a problem). */
    private Object value(FactCatalog.Fact f, Op op, Object raw, String at) {
        switch (op) {
            case EXISTS:
                return raw instanceof Boolean b ? b : fail(at, "true or false");
            case CONTAINS:
                return raw instanceof String s && !s.isEmpty() ? s : fail(at, "a non-empty string");
            case MATCHES: {
                if (!(raw instanceof String s)) {
                    return fail(at, "a regular expression (a string)");
                }
                Optional<String> p = BoundedRegex.problem(s);
                return p.isPresent() ? fail(at, p.get()) : BoundedRegex.compile(s);
            }
            case IN: {
                if (!(raw instanceof List<?> items) || items.isEmpty() || items.size() > MAX_LIST) {
                    return fail(at, "a list of 1 to " + MAX_LIST + " values");
                }
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) {
                    Object v = scalar(f, items.get(i), at + "[" + i + "]");
                    if (v == null) {
                        return null;
                    }
                    out.add(v);
                }
                return List.copyOf(out);
            }
            default:
                return scalar(f, raw, at);
        }
    }

    private Object scalar(FactCatalog.Fact f, Object raw, String at) {
        return switch (f.type()) {
            case NUMBER -> raw instanceof Number n && !(n instanceof Double d && (d.isNaN() || d.isInfinite()))
                    ? (Object) n.doubleValue() : fail(at, "not a number");
            case BOOLEAN -> raw instanceof Boolean b ? b : fail(at, "true or false");
            case STRING -> raw instanceof String s ? s : fail(at, "a string");
            case VERSION -> version(raw, at);
            case DATE -> {
                Instant i = raw instanceof String || raw instanceof java.util.Date ? instant(raw) : null;
                yield i != null ? i : fail(at, "not a date (ISO-8601: 2026-01-31 or 2026-01-31T12:00:00Z)");
            }
        };
    }

    private Object version(Object raw, String at) {
        if (raw instanceof Integer || raw instanceof Long) {
            return new int[] {((Number) raw).intValue()};
        }
        if (raw instanceof Number) {
            // YAML reads 15.10 as the number 15.1: the policy would silently mean something else.
            return fail(at, "not a version: write it as a string ('" + raw + "'), a number loses digits (15.10 would be 15.1)");
        }
        if (raw instanceof String s && Versions.valid(s)) {
            return Versions.parse(s);
        }
        return fail(at, "not a version (dotted numbers such as 15.2 or 17.4.1)");
    }

    /** An instant from a stored fact or a policy value: epoch milliseconds, ISO-8601 instant or date. */
    static Instant instant(Object v) {
        if (v instanceof Instant i) {
            return i;
        }
        if (v instanceof java.util.Date d) {
            return d.toInstant();
        }
        if (v instanceof Long || v instanceof Integer) {
            return Instant.ofEpochMilli(((Number) v).longValue());
        }
        if (v instanceof String s) {
            try {
                return s.length() == 10 ? LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(s);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    private Rule app(Object value, String path) {
        Map<?, ?> m = fields(value, path, "identifier", "min_version", "present");
        if (m == null) {
            return null;
        }
        String id = text(m.get("identifier"), path + ".identifier", true);
        Object min = m.get("min_version");
        String minVersion = null;
        if (min != null && version(min, path + ".min_version") != null) {
            minVersion = String.valueOf(min);
        }
        Object present = m.containsKey("present") ? m.get("present") : Boolean.TRUE;
        if (!(present instanceof Boolean)) {
            fail(path + ".present", "true or false");
            return null;
        }
        if (Boolean.FALSE.equals(present) && min != null) {
            return fail(path + ".min_version", "only with present: true");
        }
        if (id == null || (min != null && minVersion == null)) {
            return null;
        }
        return new AppCheck(id, minVersion, (Boolean) present);
    }

    private Rule profile(Object value, String path) {
        Map<?, ?> m = fields(value, path, "identifier", "status");
        if (m == null) {
            return null;
        }
        String id = text(m.get("identifier"), path + ".identifier", true);
        Object status = m.containsKey("status") ? m.get("status") : "verified";
        if (!(status instanceof String s) || !ProfileCheck.STATUSES.contains(s)) {
            fail(path + ".status", "one of " + String.join(", ", ProfileCheck.STATUSES));
            return null;
        }
        return id == null ? null : new ProfileCheck(id, s);
    }

    /** The map at path if it has only the allowed keys (every other key is a problem). */
    Map<?, ?> fields(Object value, String path, String... allowed) {
        if (!(value instanceof Map<?, ?> m)) {
            fail(path, "a map with " + String.join(", ", allowed));
            return null;
        }
        boolean ok = true;
        for (Object k : m.keySet()) {
            if (!List.of(allowed).contains(String.valueOf(k))) {
                fail(path + "." + k, "unknown key; allowed: " + String.join(", ", allowed));
                ok = false;
            }
        }
        return ok ? m : null;
    }

    String text(Object v, String path, boolean required) {
        if (v == null && !required) {
            return null;
        }
        if (!(v instanceof String s) || s.isBlank() || s.length() > 255) {
            fail(path, "a string of 1 to 255 characters");
            return null;
        }
        return s;
    }

    private static String keys(Map<?, ?> map) {
        return map.isEmpty() ? "none" : map.keySet().stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    private <T> T fail(String path, String message) {
        problems.add(new Problem(path, message));
        return null;
    }
}
