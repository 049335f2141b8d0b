package dev.jmdm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmdm commands}: queue a command and follow it to its answers; read a command. */
@Command(name = "commands", description = "Queue commands and read their results.", mixinStandardHelpOptions = true,
        subcommands = {CommandsCommand.Run.class, CommandsCommand.Get.class})
final class CommandsCommand {
    static final List<Output.Column> RESULT_COLUMNS = Output.columns("id", "request_type", "status", "delivered_at", "result_at");

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Queue a command for hosts, a group or a query, show its progress (queued → delivered → answered)"
                    + " and end with a summary.", "Exit 4 when a host failed or did not answer within --wait."})
    static final class Run extends ApiCommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Request request;

        static final class Request {
            @Option(names = "--request-type", paramLabel = "TYPE", description = "a command-builder request type (ProfileList, DeviceInformation, …)")
            String requestType;
            @Option(names = "--json", paramLabel = "FILE", description = "a command-builder JSON (as POST /v1/commands takes, without hosts)")
            Path json;
            @Option(names = "--plist", paramLabel = "FILE", description = "a raw command plist (queued through PUT /v1/enqueue)")
            Path plist;
        }

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a command key with --request-type (VALUE read as JSON when it is JSON)")
        Map<String, String> keys = new java.util.LinkedHashMap<>();

        @ArgGroup(exclusive = false, multiplicity = "1")
        Targets targets;

        static final class Targets {
            @Option(names = "--hosts", split = ",", paramLabel = "HOST", description = "host ids, UDIDs or serial numbers")
            List<String> hosts;
            @Option(names = "--group", description = "every enrolled host of the group") String group;
            @Option(names = {"-q", "--query"}, description = "every enrolled host whose name, serial or UDID contains this") String query;
            @Option(names = "--platform", description = "with --group or --query: only this platform") String platform;
        }

        @Option(names = "--wait", defaultValue = "60s", paramLabel = "DURATION",
                description = "how long to wait for answers (30s, 5m; 0: do not wait). Default: ${DEFAULT-VALUE}")
        String wait;
        @Option(names = "--no-push", description = "queue without waking the devices") boolean noPush;

        @Override
        public Integer call() throws IOException {
            List<String> hostRefs = hosts();
            if (hostRefs.isEmpty()) {
                throw new ApiException(0, "no enrolled host matches");
            }
            String nopush = noPush ? "?nopush=1" : "";
            JsonNode queued;
            if (request.plist != null) {
                List<String> ids = new ArrayList<>();
                for (String h : hostRefs) {
                    ids.add(api().get("/v1/hosts/" + ApiClient.segment(h)).path("enrollment_id").asText());
                }
                queued = api().call("PUT", "/v1/enqueue/" + String.join(",", ids.stream().map(ApiClient::segment).toList()) + nopush,
                        Files.readAllBytes(request.plist), "application/xml").json();
            } else {
                ObjectNode body = request.json != null ? (ObjectNode) ApiClient.JSON.readTree(request.json.toFile())
                        : ApiClient.JSON.createObjectNode().put("request_type", request.requestType);
                keys.forEach((k, v) -> body.set(k, value(v)));
                ArrayNode hs = body.putArray("hosts");
                hostRefs.forEach(hs::add);
                queued = api().call("POST", "/v1/commands" + nopush, ApiClient.JSON.writeValueAsBytes(body), "application/json").json();
            }
            String uuid = queued.path("command_uuid").asText();
            if (queued.hasNonNull("push_error")) {
                err().println("jmdm: warning: " + queued.get("push_error").asText() + " (the command is queued)");
            }
            CommandProgress progress = new CommandProgress(api(), uuid, err(), terminal());
            JsonNode last = progress.follow(Durations.parse(wait, "--wait"));
            output().list(last.path("enrollments"), RESULT_COLUMNS);
            CommandProgress.Counts c = CommandProgress.Counts.of(last);
            err().println(uuid + ": " + c.acknowledged() + " acknowledged, " + c.failed() + " failed, " + c.unanswered()
                    + " not answered" + (c.unanswered() > 0 ? " within " + wait : ""));
            err().flush();
            return c.failed() + c.unanswered() > 0 ? Jmdm.EXIT_HOSTS_FAILED : 0;
        }

        private List<String> hosts() {
            Set<String> refs = new LinkedHashSet<>();
            if (targets.hosts != null) {
                refs.addAll(targets.hosts);
            }
            if (targets.group != null || targets.query != null) {
                ArrayNode found = HostList.list(api(), ApiClient.params("group", targets.group, "q", targets.query,
                        "platform", targets.platform, "status", "enrolled"), null);
                found.forEach(h -> refs.add(h.path("id").asText()));
            }
            return List.copyOf(refs);
        }

        private static JsonNode value(String v) {
            try {
                return ApiClient.JSON.readTree(v);
            } catch (IOException e) {
                return ApiClient.JSON.getNodeFactory().textNode(v);
            }
        }
    }

    @Command(name = "get", description = "A command and every enrollment's status and answer.", mixinStandardHelpOptions = true)
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "COMMAND_UUID") String uuid;

        @Override
        public Integer call() {
            JsonNode c = api().get("/v1/commands/" + ApiClient.segment(uuid));
            if (output().format() == Output.Format.json) {
                output().json(c);
            } else {
                output().list(c.path("enrollments"), RESULT_COLUMNS);
            }
            return 0;
        }
    }

    /** Durations as the server's settings write them: 30s, 5m, 1h, 2d, or ISO-8601. */
    static final class Durations {
        private Durations() {
        }

        static Duration parse(String s, String what) {
            String t = s.trim().toLowerCase(java.util.Locale.ROOT);
            try {
                if (t.startsWith("p")) {
                    return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
                }
                if (t.equals("0")) {
                    return Duration.ZERO;
                }
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                return switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> throw new NumberFormatException();
                };
            } catch (RuntimeException e) {
                throw new ApiException(0, what + ": not a duration (30s, 5m, 1h): " + s);
            }
        }
    }
}
