package dev.jmdm.sim.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mdm-sim}: one simulated device per state file ({@code enroll}, {@code poll}, {@code run}) and a stand-in
 * APNs ({@code apns}). A refusal or failure is one line on stderr and exit code 1 (usage errors 2); {@code --debug}
 * adds the stack trace.
 */
@Command(name = "mdm-sim", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Simulated Apple devices and a stand-in APNs for a jmdm server (docs/simulator.md).",
        subcommands = {EnrollCommand.class, PollCommand.class, RunCommand.class, ApnsCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the server refused, could not be reached, or a file was wrong (one line on stderr)",
                "2:bad arguments"})
public final class SimCli implements Runnable {
    static final int FAILED = 1;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "print the stack trace of a failure")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line with the given outputs; the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        SimCli root = new SimCli();
        CommandLine cl = new CommandLine(root).setCaseInsensitiveEnumValuesAllowed(true).setOut(out).setErr(err);
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("mdm-sim: " + Failures.describe(e));
            if (root.debug) {
                e.printStackTrace(command.getErr());
            }
            command.getErr().flush();
            return FAILED;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: enroll, poll, run or apns");
    }
}
