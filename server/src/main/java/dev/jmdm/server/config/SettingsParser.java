package dev.jmdm.server.config;

import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads settings from flags and {@code MDM_*} environment variables; a flag wins over its variable. picocli does the
 * work ({@link SettingsOptions}: typed options whose defaults read {@code ${env:MDM_X:-default}}, {@link Converters}
 * for every value); this class turns its refusals into one line naming the variable and groups the values into
 * {@link Settings}' records.
 */
public final class SettingsParser {
    private SettingsParser() {
    }

    /**
     * Parses the arguments and environment ({@code System.getenv()} in production; picocli's own {@code ${env:…}}
     * lookup is turned off so that only this map counts). Returns null when help or version was printed.
     */
    public static Settings parse(String[] args, Map<String, String> env) {
        SettingsOptions options = new SettingsOptions();
        CommandLine cl = new CommandLine(options);
        cl.setInterpolateVariables(false);
        cl.setDefaultValueProvider(new EnvironmentDefaults(env, Arrays.asList(args)));
        try {
            cl.parseArgs(args);
        } catch (ParameterException e) {
            throw refusal(e, cl);
        }
        if (cl.isUsageHelpRequested()) {
            cl.usage(System.out);
            return null;
        }
        if (cl.isVersionHelpRequested()) {
            cl.printVersionHelp(System.out);
            return null;
        }
        return options.settings();
    }

    /**
     * A value its converter refused: {@code MDM_X: 'value' <why>}, whether it came from the flag or the variable, as
     * every setting has always been named by its variable. A check of a record thrown through picocli keeps its
     * message. Anything else (an unknown flag) comes with the usage text.
     */
    private static SettingsException refusal(ParameterException e, CommandLine cl) {
        if (e.getCause() instanceof SettingsException s) {
            return s;
        }
        String variable = EnvironmentDefaults.variable(e.getArgSpec());
        if (e.getCause() instanceof TypeConversionException why && variable != null) {
            return new SettingsException(variable + ": '" + e.getValue() + "' " + why.getMessage());
        }
        return new SettingsException(e.getMessage() + "\n" + cl.getUsageMessage());
    }
}
