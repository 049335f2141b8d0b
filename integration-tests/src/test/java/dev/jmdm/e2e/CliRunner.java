package dev.jmdm.e2e;

import dev.jmdm.cli.Jmdm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs {@code jmdm} in-process through picocli with captured streams, against a test server. */
final class CliRunner {
    /** One run: exit code, stdout, stderr. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Map<String, String> env = new HashMap<>();

    CliRunner(TestServer server, Path config) {
        env.put("JMDM_URL", server.baseUri().toString());
        env.put("JMDM_API_KEY", TestServer.API_KEY);
        env.put("JMDM_CONFIG", config.toString());
    }

    CliRunner(Map<String, String> env) {
        this.env.putAll(env);
    }

    CliRunner env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return this;
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = Jmdm.commandLine(env, false);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
