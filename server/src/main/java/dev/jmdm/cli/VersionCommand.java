package dev.jmdm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jmdm version}: this CLI's version and, when a server is configured, the server's. */
@Command(name = "version", description = "This command line's version and the server's.", mixinStandardHelpOptions = true)
final class VersionCommand extends ApiCommand {
    static String cli() {
        String v = VersionCommand.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** For {@code jmdm --version}. */
    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jmdm " + cli()};
        }
    }

    @Override
    public Integer call() {
        ObjectNode v = ApiClient.JSON.createObjectNode().put("cli", cli());
        int exit = 0;
        try {
            v.put("server", api().get("/version").path("version").asText());
            v.put("url", api().base().toString());
        } catch (ApiException e) {
            err().println("jmdm: " + e.getMessage());
            exit = Jmdm.EXIT_API;
        }
        output().object(v, Output.columns("cli", "server", "url"));
        return exit;
    }
}
