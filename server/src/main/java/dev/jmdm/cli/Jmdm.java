package dev.jmdm.cli;

import dev.jmdm.cli.gitops.ApplyCommand;
import dev.jmdm.cli.gitops.ExportCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code jmdm}: the root command, its connection and output options (given anywhere on the line), and the
 * exit codes: 0 done, 1 the server refused or could not be reached, 2 a usage error, 3 {@code apply --dry-run}
 * found changes, 4 {@code commands run} ended with a host that failed or did not answer in time.
 */
@Command(name = "jmdm", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Administer a jmdm server: hosts, commands, profiles, groups, policies, and GitOps (apply, export).",
        subcommands = {HostsCommand.class, CommandsCommand.class, ProfilesCommand.class, GroupsCommand.class,
                PoliciesCommand.class, ComplianceCommand.class, EnrollmentLinksCommand.class, PushCertCommand.class,
                AuditCommand.class, ApplyCommand.class, ExportCommand.class, ContextCommand.class, VersionCommand.class,
                AutoComplete.GenerateCompletion.class, CommandLine.HelpCommand.class})
public final class Jmdm {
    public static final int EXIT_API = 1;
    /** picocli's own exit code for a usage error. */
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;
    public static final int EXIT_CHANGES = 3;
    public static final int EXIT_HOSTS_FAILED = 4;

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL", description = "server base URL (env JMDM_URL)")
    String url;
    @Option(names = "--api-key", scope = ScopeType.INHERIT, paramLabel = "KEY", description = "API key (env JMDM_API_KEY)")
    String apiKey;
    @Option(names = "--user", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "API user: the key's name from MDM_API_KEYS, or nanomdm (env JMDM_USER)")
    String user;
    @Option(names = "--cacert", scope = ScopeType.INHERIT, paramLabel = "PEM",
            description = "trust these CA certificates for the server's TLS (env JMDM_CACERT)")
    String cacert;
    @Option(names = "--context", scope = ScopeType.INHERIT, paramLabel = "NAME", description = "a context of the config file (env JMDM_CONTEXT)")
    String context;
    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "config file (env JMDM_CONFIG; default ~/.config/jmdm/config.yml)")
    Path config;
    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "table, json or csv (default: table on a terminal, json otherwise)")
    Output.Format output;

    private final Map<String, String> env;
    private final boolean terminal;

    public Jmdm(Map<String, String> env, boolean terminal) {
        this.env = Map.copyOf(env);
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv(), interactive()).execute(args));
    }

    /** Whether stdin and stdout are a terminal (Java 22+ has a Console even when redirected: ask it). */
    static boolean interactive() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** The command line with this project's exit codes and one-line errors; tests set its streams. */
    public static CommandLine commandLine(Map<String, String> env, boolean terminal) {
        CommandLine cl = new CommandLine(new Jmdm(env, terminal));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (e instanceof ApiException || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
                err.println("jmdm: " + e.getMessage());
            } else if (e instanceof CommandLine.ParameterException) {
                throw e;
            } else {
                err.println("jmdm: " + e);
                if (env.containsKey("JMDM_DEBUG")) {
                    e.printStackTrace(err);
                }
            }
            err.flush();
            return EXIT_API;
        });
        CommandLine gen = cl.getSubcommands().get("generate-completion");
        if (gen != null) {
            gen.getCommandSpec().usageMessage().hidden(false);
        }
        return cl;
    }

    Map<String, String> env() {
        return env;
    }

    boolean terminal() {
        return terminal;
    }

    /**
     * A connection or output option as given anywhere from the root down to {@code leaf}: picocli copies inherited
     * options into each subcommand, so the value is in the parse result of whichever command it followed.
     */
    @SuppressWarnings("unchecked")
    static <T> T option(CommandLine leaf, String name) {
        for (CommandLine c = leaf; c != null; c = c.getParent()) {
            CommandLine.ParseResult pr = c.getParseResult();
            if (pr != null && pr.hasMatchedOption(name)) {
                return (T) pr.matchedOptionValue(name, null);
            }
        }
        return null;
    }

    Connection connection(CommandLine leaf) {
        String cacertFlag = option(leaf, "--cacert");
        return Connection.resolve(new Connection.Flags(option(leaf, "--url"), option(leaf, "--user"), option(leaf, "--api-key"),
                cacertFlag, option(leaf, "--context"), configPath(leaf)), env);
    }

    Path configPath(CommandLine leaf) {
        Path flag = option(leaf, "--config");
        return flag != null ? flag : CliConfig.defaultPath(env);
    }

    Output.Format format(CommandLine leaf) {
        Output.Format flag = option(leaf, "--output");
        return flag != null ? flag : terminal ? Output.Format.table : Output.Format.json;
    }
}
