package dev.jmdm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmdm hosts}: list, show, act on and forget hosts. */
@Command(name = "hosts", description = "List, show and act on hosts.", mixinStandardHelpOptions = true,
        subcommands = {HostsCommand.ListHosts.class, HostsCommand.Get.class, HostsCommand.Lock.class, HostsCommand.Wipe.class,
                HostsCommand.Restart.class, HostsCommand.Refetch.class, HostsCommand.Delete.class})
final class HostsCommand {
    static final List<Output.Column> LIST_COLUMNS = Output.columns("id", "serial_number", "device_name", "platform", "os_version",
            "status", "last_seen_at", "groups");

    @Command(name = "list", description = "List hosts (every page, or --limit of them).", mixinStandardHelpOptions = true)
    static final class ListHosts extends ApiCommand {
        @Option(names = "--platform", description = "macos, ios, ipados, tvos, …") String platform;
        @Option(names = "--os-version", description = "15 matches 15.x") String osVersion;
        @Option(names = "--status", description = "enrolled, pending or unenrolled") String status;
        @Option(names = "--group") String group;
        @Option(names = {"-q", "--query"}, description = "name, serial or UDID contains") String query;
        @Option(names = "--sort", description = "id, serial_number, device_name, platform, os_version, last_seen, enrolled_at, created_at; - for descending")
        String sort;
        @Option(names = "--limit", description = "at most this many (default: all)") Integer limit;

        @Override
        public Integer call() {
            Map<String, Object> filters = ApiClient.params("platform", platform, "os_version", osVersion, "status", status,
                    "group", group, "q", query, "sort", sort);
            output().list(HostList.list(api(), filters, limit), LIST_COLUMNS);
            return 0;
        }
    }

    @Command(name = "get", description = "Show a host (id, UDID, serial number or enrollment id).", mixinStandardHelpOptions = true)
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "HOST") String host;

        @Override
        public Integer call() {
            JsonNode h = api().get("/v1/hosts/" + ApiClient.segment(host));
            output().object(h, Output.columns("id", "serial_number", "udid", "enrollment_id", "device_name", "platform",
                    "product_name", "os_version", "status", "enrollment_type", "enrolled_at", "last_seen_at", "groups",
                    "unlock_token_present"));
            return 0;
        }
    }

    /** An action on one host: POST /v1/hosts/{id}/{action} with a small body. */
    abstract static class Action extends ApiCommand {
        @Parameters(paramLabel = "HOST", index = "0") String host;

        abstract String path();

        Map<String, Object> body() {
            return Map.of();
        }

        @Override
        public Integer call() {
            ApiClient.Reply r = api().call("POST", "/v1/hosts/" + ApiClient.segment(host) + "/" + path(),
                    json(body()), "application/json");
            output().object(r.json(), Output.columns("command_uuid", "pin", "push_error"));
            return 0;
        }

        private static byte[] json(Object o) {
            try {
                return ApiClient.JSON.writeValueAsBytes(o);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Command(name = "lock", description = "Lock the device (a Mac gets a 6-digit PIN, printed).", mixinStandardHelpOptions = true)
    static final class Lock extends Action {
        @Option(names = "--message") String message;
        @Option(names = "--phone-number") String phone;

        @Override
        String path() {
            return "lock";
        }

        @Override
        Map<String, Object> body() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (message != null) {
                m.put("message", message);
            }
            if (phone != null) {
                m.put("phone_number", phone);
            }
            return m;
        }
    }

    @Command(name = "wipe", description = "Erase the device; --confirm must be its serial number.", mixinStandardHelpOptions = true)
    static final class Wipe extends Action {
        @Option(names = "--confirm", required = true, paramLabel = "SERIAL", description = "the host's serial number") String confirm;

        @Override
        String path() {
            return "wipe";
        }

        @Override
        Map<String, Object> body() {
            return Map.of("confirm", confirm);
        }
    }

    @Command(name = "restart", description = "Restart the device.", mixinStandardHelpOptions = true)
    static final class Restart extends Action {
        @Option(names = "--notify-user", description = "macOS: let the user know") boolean notifyUser;

        @Override
        String path() {
            return "restart";
        }

        @Override
        Map<String, Object> body() {
            return notifyUser ? Map.of("notify_user", true) : Map.of();
        }
    }

    @Command(name = "refetch", description = "Queue the inventory queries now.", mixinStandardHelpOptions = true)
    static final class Refetch extends ApiCommand {
        @Parameters(paramLabel = "HOST") String host;

        @Override
        public Integer call() {
            JsonNode r = api().postJson("/v1/hosts/" + ApiClient.segment(host) + "/refetch", Map.of());
            output().object(r, Output.columns("host_id", "command_uuids", "push_error"));
            return 0;
        }
    }

    @Command(name = "delete", description = "Forget the host (its device is refused from then on).", mixinStandardHelpOptions = true)
    static final class Delete extends ApiCommand {
        @Parameters(paramLabel = "HOST") String host;

        @Override
        public Integer call() {
            api().delete("/v1/hosts/" + ApiClient.segment(host));
            err().println("deleted host " + host);
            return 0;
        }
    }
}
