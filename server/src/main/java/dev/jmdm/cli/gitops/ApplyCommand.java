package dev.jmdm.cli.gitops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jmdm.cli.ApiClient;
import dev.jmdm.cli.ApiCommand;
import dev.jmdm.cli.Jmdm;
import dev.jmdm.cli.Output;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmdm apply -f DIR}: check the whole folder, then make the server match it. With {@code --dry-run} only
 * print the plan; exit 0 when nothing would change, 3 when something would.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Make the server match a GitOps folder (docs/gitops.md).",
                "Everything is checked first; nothing is applied when anything is invalid.",
                "Exit codes: 0 applied or nothing to change, 1 refused, 2 usage, 3 --dry-run found changes."})
public final class ApplyCommand extends ApiCommand {
    @Option(names = {"-f", "--folder"}, required = true, paramLabel = "DIR", description = "the folder (jmdm.yml and the files it names)")
    Path folder;
    @Option(names = "--dry-run", description = "print what would change; change nothing") boolean dryRun;
    @Option(names = "--prune", description = "delete profiles, groups and policies the folder does not name") boolean prune;
    @Option(names = {"-m", "--message"}, paramLabel = "TEXT", description = "a note for the audit log (the git commit, say)")
    String message;

    @Override
    public Integer call() {
        Secrets secrets = new Secrets(env());
        ServerState server = ServerState.read(api());
        FolderReader.Result read = new FolderReader(folder, secrets, server, prune).read();
        PrintWriter err = err();
        if (!read.problems().isEmpty()) {
            read.problems().forEach(p -> err.println(p.toString()));
            err.println("jmdm: " + folder + ": " + read.problems().size() + " problem(s); nothing was applied");
            err.flush();
            return Jmdm.EXIT_API;
        }
        Plan plan = new Planner(server, prune).plan(read.desired());
        print(plan);
        if (dryRun) {
            return plan.changesSomething() ? Jmdm.EXIT_CHANGES : 0;
        }
        if (plan.changesSomething()) {
            Set<String> used = new LinkedHashSet<>();
            read.desired().profiles().forEach(p -> used.addAll(p.secrets()));
            read.desired().policies().forEach(p -> used.addAll(p.secrets()));
            new Applier(api(), err).apply(read.desired(), plan, message == null ? null : secrets.mask(message, used));
        }
        return 0;
    }

    private void print(Plan plan) {
        Output o = output();
        if (o.format() == Output.Format.table) {
            PrintWriter out = out();
            if (!plan.changesSomething()) {
                out.println("no changes");
            }
            for (Plan.Change c : plan.changes()) {
                out.println(c.headline());
                c.details().forEach(d -> out.println("    " + d));
            }
            out.flush();
            return;
        }
        ArrayNode rows = ApiClient.jsonArray();
        for (Plan.Change c : plan.changes()) {
            ObjectNode r = rows.addObject().put("op", c.op().name()).put("kind", c.kind().name()).put("name", c.name())
                    .put("hosts_touched", c.hostsTouched());
            ArrayNode details = r.putArray("details");
            c.details().forEach(details::add);
        }
        o.list(rows, Output.columns("op", "kind", "name", "hosts_touched", "details"));
    }
}
