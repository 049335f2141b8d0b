package dev.jmdm.policies;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A policy document (the maps and lists YAML or JSON gives) into a {@link PolicyDocument}, or every
 * problem with its path. Checks only what the document itself can tell; whether a named group, host or
 * profile exists is the server's to check.
 */
public final class PolicyParser {
    /** URL-safe and stable: it names the policy in paths and reports. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,126}");
    static final List<String> PLATFORMS = List.of("macos", "ios", "ipados", "tvos", "visionos", "watchos");
    static final List<String> KEYS = List.of("name", "description", "platforms", "targets", "check", "remediation",
            "remediation_enabled", "severity");
    static final Duration MIN_COOLDOWN = Duration.ofMinutes(1);
    static final Duration MAX_COOLDOWN = Duration.ofDays(30);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})(s|m|h|d)");
    static final int MAX_TARGETS = 10_000;

    private PolicyParser() {
    }

    /** The outcome: a document, or the problems (never both). */
    public record Parsed(PolicyDocument document, List<Problem> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    public static Parsed parse(Object root) {
        List<Problem> problems = new ArrayList<>();
        RuleParser rules = new RuleParser(problems);
        if (!(root instanceof Map<?, ?> raw)) {
            problems.add(new Problem("$", "a policy document is a map with name, check and optional description, platforms, targets, "
                    + "remediation, remediation_enabled, severity"));
            return new Parsed(null, problems);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) raw;
        rules.fields(doc, "$", KEYS.toArray(String[]::new));
        Object nameNode = doc.get("name");
        String name = nameNode instanceof String s && NAME.matcher(s).matches() ? s : null;
        if (name == null) {
            problems.add(new Problem("name", "required: 1 to 127 letters, digits, '.', '_' or '-', starting with a letter or digit"));
        }
        String description = doc.get("description") == null ? "" : rules.text(doc.get("description"), "description", true);
        List<String> platforms = platforms(doc.get("platforms"), problems);
        PolicyDocument.Targets targets = doc.containsKey("targets") ? targets(doc.get("targets"), rules, problems) : PolicyDocument.Targets.ALL;
        Rule check = null;
        if (!doc.containsKey("check")) {
            problems.add(new Problem("check", "required: the rule hosts must pass"));
        } else {
            check = rules.parse(doc.get("check"), "check");
        }
        PolicyDocument.Remediation remediation = doc.get("remediation") == null ? null : remediation(doc.get("remediation"), rules, problems);
        Object enabled = doc.getOrDefault("remediation_enabled", Boolean.TRUE);
        if (!(enabled instanceof Boolean)) {
            problems.add(new Problem("remediation_enabled", "true or false"));
        }
        PolicyDocument.Severity severity = severity(doc.get("severity"), problems);
        if (!problems.isEmpty()) {
            return new Parsed(null, List.copyOf(problems));
        }
        return new Parsed(new PolicyDocument(name, description, platforms, targets, check, remediation, (Boolean) enabled, severity, doc),
                List.of());
    }

    private static List<String> platforms(Object node, List<Problem> problems) {
        if (node == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (!(node instanceof List<?> items)) {
            problems.add(new Problem("platforms", "a list of " + String.join(", ", PLATFORMS)));
            return List.of();
        }
        for (int i = 0; i < items.size(); i++) {
            Object p = items.get(i);
            String s = p instanceof String str ? str.toLowerCase(Locale.ROOT) : null;
            if (s == null || !PLATFORMS.contains(s)) {
                problems.add(new Problem("platforms[" + i + "]", "unknown platform " + p + "; known: " + String.join(", ", PLATFORMS)));
            } else {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    private static PolicyDocument.Targets targets(Object node, RuleParser rules, List<Problem> problems) {
        Map<?, ?> m = rules.fields(node, "targets", "all", "groups", "hosts", "exclude_groups", "exclude_hosts");
        if (m == null) {
            return null;
        }
        Object all = m.containsKey("all") ? m.get("all") : Boolean.FALSE;
        if (!(all instanceof Boolean)) {
            problems.add(new Problem("targets.all", "true or false"));
        }
        return new PolicyDocument.Targets(Boolean.TRUE.equals(all), refs(m.get("groups"), "targets.groups", problems),
                refs(m.get("hosts"), "targets.hosts", problems), refs(m.get("exclude_groups"), "targets.exclude_groups", problems),
                refs(m.get("exclude_hosts"), "targets.exclude_hosts", problems));
    }

    /** Group names or host references (id, UDID, serial): strings, or numbers for host ids. */
    private static List<String> refs(Object node, String path, List<Problem> problems) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof List<?> items) || items.size() > MAX_TARGETS) {
            problems.add(new Problem(path, "a list of at most " + MAX_TARGETS + " names"));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Object v = items.get(i);
            if (v instanceof String s && !s.isBlank() && s.length() <= 255 || v instanceof Integer || v instanceof Long) {
                out.add(String.valueOf(v));
            } else {
                problems.add(new Problem(path + "[" + i + "]", "a name or host reference"));
            }
        }
        return List.copyOf(out);
    }

    private static PolicyDocument.Remediation remediation(Object node, RuleParser rules, List<Problem> problems) {
        Map<?, ?> m = rules.fields(node, "remediation", "install_profile", "command", "refetch", "cooldown");
        if (m == null) {
            return null;
        }
        int actions = 0;
        String profile = null;
        if (m.containsKey("install_profile")) {
            actions++;
            profile = rules.text(m.get("install_profile"), "remediation.install_profile", true);
        }
        Map<String, Object> command = null;
        if (m.containsKey("command")) {
            actions++;
            if (m.get("command") instanceof Map<?, ?> c && c.get("request_type") instanceof String) {
                @SuppressWarnings("unchecked")
                Map<String, Object> cmd = (Map<String, Object>) c;
                command = cmd;
            } else {
                problems.add(new Problem("remediation.command", "a command-builder object with request_type (as POST /v1/commands takes, without hosts)"));
            }
        }
        boolean refetch = false;
        if (m.containsKey("refetch")) {
            actions++;
            if (!Boolean.TRUE.equals(m.get("refetch"))) {
                problems.add(new Problem("remediation.refetch", "true (or leave it out)"));
            }
            refetch = true;
        }
        if (actions != 1) {
            problems.add(new Problem("remediation", "exactly one of install_profile, command, refetch"));
        }
        Duration cooldown = PolicyDocument.Remediation.DEFAULT_COOLDOWN;
        if (m.containsKey("cooldown")) {
            cooldown = duration(m.get("cooldown"));
            if (cooldown == null || cooldown.compareTo(MIN_COOLDOWN) < 0 || cooldown.compareTo(MAX_COOLDOWN) > 0) {
                problems.add(new Problem("remediation.cooldown", "a duration from 1m to 30d (90s, 15m, 1h, 2d)"));
            }
        }
        return new PolicyDocument.Remediation(profile, command, refetch, cooldown);
    }

    static Duration duration(Object v) {
        if (!(v instanceof String s)) {
            return null;
        }
        Matcher m = DURATION.matcher(s.trim());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static PolicyDocument.Severity severity(Object node, List<Problem> problems) {
        if (node == null) {
            return PolicyDocument.Severity.MEDIUM;
        }
        for (PolicyDocument.Severity s : PolicyDocument.Severity.values()) {
            if (s.name().toLowerCase(Locale.ROOT).equals(node)) {
                return s;
            }
        }
        problems.add(new Problem("severity", "low, medium or high"));
        return null;
    }
}
