package dev.jmdm.cli.gitops;

import dev.jmdm.cli.ApiCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmdm export DIR}: the server's groups, profiles and policies as a GitOps folder. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the server's groups, profiles and policies as a GitOps folder (apply --dry-run on it finds no change).")
public final class ExportCommand extends ApiCommand {
    @Parameters(paramLabel = "DIR") Path dir;
    @Option(names = "--force", description = "write into a folder that is not empty") boolean force;

    @Override
    public Integer call() throws IOException {
        if (Files.isDirectory(dir) && !force) {
            try (var s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new dev.jmdm.cli.ApiException(0, dir + " is not empty (--force writes into it anyway)");
                }
            }
        }
        for (String f : new Exporter(ServerState.read(api())).export(dir)) {
            out().println(dir.resolve(f));
        }
        out().flush();
        return 0;
    }
}
