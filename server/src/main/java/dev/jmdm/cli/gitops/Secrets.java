package dev.jmdm.cli.gitops;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code $ENV{NAME}} in a profile or policy file: replaced by the environment variable when applying, so secrets
 * (a Wi-Fi password) stay out of the repository. A missing variable is a validation problem naming it and its
 * line; {@code $$ENV{NAME}} writes the text {@code $ENV{NAME}} itself.
 */
public final class Secrets {
    static final Pattern REFERENCE = Pattern.compile("\\$?\\$ENV\\{([A-Za-z_][A-Za-z0-9_]*)}");
    public static final String MASK = "****";

    private final Map<String, String> env;

    public Secrets(Map<String, String> env) {
        this.env = env;
    }

    /** The text with every reference replaced; the variables used; the missing ones with their lines. */
    public record Result(String text, Set<String> used, List<Missing> missing) {
    }

    public record Missing(String name, int line) {
    }

    public Result substitute(String text) {
        return substitute(text, v -> v);
    }

    /** XML text: values are escaped so a password with {@code &} or {@code <} keeps the plist well-formed. */
    public Result substituteXml(String text) {
        return substitute(text, v -> v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"));
    }

    public Result substitute(String text, java.util.function.UnaryOperator<String> escape) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder sb = new StringBuilder();
        Set<String> used = new LinkedHashSet<>();
        List<Missing> missing = new ArrayList<>();
        while (m.find()) {
            if (m.group().startsWith("$$")) {
                m.appendReplacement(sb, Matcher.quoteReplacement(m.group().substring(1)));
                continue;
            }
            String name = m.group(1);
            String value = env.get(name);
            if (value == null) {
                missing.add(new Missing(name, lineOf(text, m.start())));
                m.appendReplacement(sb, "");
            } else {
                used.add(name);
                m.appendReplacement(sb, Matcher.quoteReplacement(escape.apply(value)));
            }
        }
        m.appendTail(sb);
        return new Result(sb.toString(), used, missing);
    }

    /** Any text with the values of these variables masked (what dry runs and the audit log show). */
    public String mask(String text, Set<String> names) {
        String out = text;
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isEmpty()) {
                out = out.replace(v, MASK);
            }
        }
        return out;
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
