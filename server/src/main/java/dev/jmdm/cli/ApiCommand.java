package dev.jmdm.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that calls the server: its connection, output and streams come from the root command. */
public abstract class ApiCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;
    private ApiClient api;

    protected Jmdm root() {
        return (Jmdm) spec.root().userObject();
    }

    protected ApiClient api() {
        if (api == null) {
            api = root().connection(spec.commandLine()).client();
        }
        return api;
    }

    protected Output output() {
        return new Output(out(), root().format(spec.commandLine()));
    }

    /** A connection or output option's value (--url, --user, …) wherever on the line it was given, or null. */
    protected <T> T option(String name) {
        return Jmdm.option(spec.commandLine(), name);
    }

    protected java.nio.file.Path configPath() {
        return root().configPath(spec.commandLine());
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    protected java.util.Map<String, String> env() {
        return root().env();
    }

    protected boolean terminal() {
        return root().terminal();
    }
}
