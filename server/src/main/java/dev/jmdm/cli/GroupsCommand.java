package dev.jmdm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmdm groups}: named sets of hosts that profiles and policies target. */
@Command(name = "groups", description = "List, show, set and delete host groups.", mixinStandardHelpOptions = true,
        subcommands = {GroupsCommand.ListGroups.class, GroupsCommand.Get.class, GroupsCommand.Set.class, GroupsCommand.Delete.class})
final class GroupsCommand {
    @Command(name = "list", description = "Groups and their member counts.", mixinStandardHelpOptions = true)
    static final class ListGroups extends ApiCommand {
        @Override
        public Integer call() {
            output().list(api().get("/v1/groups").path("groups"), Output.columns("name", "member_count", "updated_at"));
            return 0;
        }
    }

    @Command(name = "get", description = "A group's members (host ids, serial numbers).", mixinStandardHelpOptions = true)
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            JsonNode g = api().get("/v1/groups/" + ApiClient.segment(name));
            if (output().format() == Output.Format.json) {
                output().json(g);
            } else {
                output().list(HostList.list(api(), Map.of("group", name), null), HostsCommand.LIST_COLUMNS);
            }
            return 0;
        }
    }

    @Command(name = "set", description = "Create the group or replace its members.", mixinStandardHelpOptions = true)
    static final class Set extends ApiCommand {
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--hosts", split = ",", paramLabel = "HOST", description = "host ids, UDIDs or serial numbers (none: empty)")
        List<String> hosts = List.of();

        @Override
        public Integer call() {
            JsonNode g = api().putJson("/v1/groups/" + ApiClient.segment(name), Map.of("hosts", hosts));
            output().object(g, Output.columns("name", "member_count", "hosts"));
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a group (its members lose what it targeted).", mixinStandardHelpOptions = true)
    static final class Delete extends ApiCommand {
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            api().delete("/v1/groups/" + ApiClient.segment(name));
            err().println("deleted group " + name);
            return 0;
        }
    }
}
