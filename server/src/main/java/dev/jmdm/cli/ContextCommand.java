package dev.jmdm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jmdm context}: named servers in the config file, one of them current. */
@Command(name = "context", description = "Named servers and credentials in the config file.", mixinStandardHelpOptions = true,
        subcommands = {ContextCommand.Set.class, ContextCommand.Use.class, ContextCommand.ListContexts.class, ContextCommand.Delete.class})
final class ContextCommand {
    @Command(name = "set", description = "Create or change a context (only the options given change).", mixinStandardHelpOptions = true)
    static final class Set extends ApiCommand {
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            CliConfig.File file = CliConfig.read(configPath());
            CliConfig.Context old = file.contexts().getOrDefault(name, new CliConfig.Context(null, null, null, null));
            CliConfig.Context ctx = new CliConfig.Context(or(option("--url"), old.url()), or(option("--user"), old.user()),
                    or(option("--api-key"), old.apiKey()), or(option("--cacert"), old.cacert()));
            Map<String, CliConfig.Context> all = file.contexts();
            all.put(name, ctx);
            CliConfig.write(configPath(), new CliConfig.File(file.current() == null ? name : file.current(), all));
            err().println("context " + name + " saved in " + configPath());
            return 0;
        }

        private static String or(String flag, String old) {
            return flag != null ? flag : old;
        }
    }

    @Command(name = "use", description = "Make a context the current one.", mixinStandardHelpOptions = true)
    static final class Use extends ApiCommand {
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            CliConfig.File file = CliConfig.read(configPath());
            if (!file.contexts().containsKey(name)) {
                throw new ApiException(0, "no context '" + name + "' in " + configPath() + " (jmdm context set " + name + " --url …)");
            }
            CliConfig.write(configPath(), new CliConfig.File(name, file.contexts()));
            err().println("using context " + name);
            return 0;
        }
    }

    @Command(name = "list", description = "The contexts; the current one is marked.", mixinStandardHelpOptions = true)
    static final class ListContexts extends ApiCommand {
        @Override
        public Integer call() {
            CliConfig.File file = CliConfig.read(configPath());
            ArrayNode rows = ApiClient.JSON.createArrayNode();
            file.contexts().forEach((n, c) -> rows.addObject().put("name", n).put("current", n.equals(file.current()))
                    .put("url", c.url()).put("user", c.user() == null ? Connection.DEFAULT_USER : c.user())
                    .put("api_key", c.apiKey() == null ? "" : "****"));
            output().list(rows, Output.columns("name", "current", "url", "user", "api_key"));
            return 0;
        }
    }

    @Command(name = "delete", description = "Remove a context.", mixinStandardHelpOptions = true)
    static final class Delete extends ApiCommand {
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            CliConfig.File file = CliConfig.read(configPath());
            Map<String, CliConfig.Context> all = file.contexts();
            if (all.remove(name) == null) {
                throw new ApiException(0, "no context '" + name + "'");
            }
            CliConfig.write(configPath(), new CliConfig.File(name.equals(file.current()) ? null : file.current(), all));
            return 0;
        }
    }
}
