package dev.jmdm.server.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * Resolves an option's {@code ${env:MDM_X:-fallback}} default (picocli's syntax) from the environment the parser is
 * given rather than the process's, so tests and in-process servers can pass their own; a blank variable counts as
 * unset, as it always has. An option given on the command line keeps its fallback: the flag replaces it, and a bad
 * variable the flag overrides is not read.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)(?::-(.*))?}", Pattern.DOTALL);

    private final Map<String, String> env;
    private final List<String> args;

    EnvironmentDefaults(Map<String, String> env, List<String> args) {
        this.env = env;
        this.args = args;
    }

    /**
     * The variable an option's default reads, or null. Reads the annotation's text: the parser turns picocli's own
     * interpolation off, so {@code defaultValue()} is that text.
     */
    static String variable(ArgSpec arg) {
        Matcher m = arg == null || arg.defaultValue() == null ? null : ENV.matcher(arg.defaultValue());
        return m != null && m.matches() ? m.group(1) : null;
    }

    /** The fallback of an option's default (after {@code :-}), or null. */
    static String fallback(ArgSpec arg) {
        Matcher m = arg.defaultValue() == null ? null : ENV.matcher(arg.defaultValue());
        return m != null && m.matches() ? m.group(2) : null;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        String name = variable(arg);
        if (name == null) {
            return null;
        }
        String value = given(arg) ? null : env.get(name);
        if (value == null || value.isBlank()) {
            value = fallback(arg);
        }
        return value == null ? Option.NULL_VALUE : value;
    }

    private boolean given(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return false;
        }
        for (String a : args) {
            for (String n : option.names()) {
                if (a.equals(n) || a.startsWith(n + "=")) {
                    return true;
                }
            }
        }
        return false;
    }
}
