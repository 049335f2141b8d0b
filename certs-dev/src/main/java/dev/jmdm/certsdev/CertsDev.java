package dev.jmdm.certsdev;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** The {@code certs-dev} command: {@code init} and {@code issue-device}. */
@Command(name = "certs-dev",
        description = "Writes a development PKI for a local jmdm stack: CAs, server TLS, device identities and a "
                + "stand-in MDM push certificate, all with real keys.",
        subcommands = {InitCommand.class, IssueDeviceCommand.class, CommandLine.HelpCommand.class},
        usageHelpAutoWidth = true)
public final class CertsDev implements Callable<Integer> {
    /** Exit code for a run that failed after its arguments were accepted (picocli uses 2 for usage errors). */
    static final int FAILED = 1;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for running the CLI in-process (set its out and err writers to capture them). */
    public static CommandLine commandLine() {
        return new CommandLine(new CertsDev()).setExecutionExceptionHandler(CertsDev::report);
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand: init or issue-device");
    }

    /** Errors the user can act on get one line; anything else gets its stack trace. */
    private static int report(Exception ex, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (ex instanceof DevStackException) {
            err.println("certs-dev: " + ex.getMessage());
        } else if (ex instanceof FileSystemException fse) {
            String reason = fse instanceof AccessDeniedException ? "permission denied"
                    : fse.getReason() != null ? fse.getReason() : fse.getClass().getSimpleName();
            err.println("certs-dev: cannot write " + fse.getFile() + ": " + reason);
        } else if (ex instanceof IOException) {
            err.println("certs-dev: " + ex);
        } else {
            err.println("certs-dev: unexpected failure");
            ex.printStackTrace(err);
        }
        err.flush();
        return FAILED;
    }

    /** One line per file: what happened, the path relative to the stack directory, what it is. */
    static void printOutcomes(PrintWriter out, Path dir, List<FileOutcome> outcomes) {
        int width = outcomes.stream().mapToInt(o -> dir.relativize(o.path()).toString().length()).max().orElse(0);
        for (FileOutcome o : outcomes) {
            String name = dir.relativize(o.path()).toString();
            out.printf("  %-8s %-" + width + "s  %s%n", o.outcome().name().toLowerCase(java.util.Locale.ROOT), name,
                    o.description());
        }
        if (outcomes.stream().anyMatch(o -> o.outcome() == FileOutcome.Outcome.KEPT)) {
            out.println("  (existing files were kept as they are; --force replaces them)");
        }
    }

    /** A shell word: the value itself when it is safe, else single-quoted. */
    static String shellQuote(String value) {
        return value.matches("[A-Za-z0-9_./:@%+=,-]+") ? value : "'" + value.replace("'", "'\\''") + "'";
    }
}
