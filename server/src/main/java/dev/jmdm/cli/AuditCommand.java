package dev.jmdm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jmdm audit}: who did what, newest first. */
@Command(name = "audit", description = "The audit log, newest first.", mixinStandardHelpOptions = true)
final class AuditCommand extends ApiCommand {
    @Option(names = "--host", description = "one host's entries") String host;
    @Option(names = "--action", description = "one action's entries (lock, command, gitops.apply, …)") String action;
    @Option(names = "--actor", description = "one user's or API key's entries (exact)") String actor;
    @Option(names = "--limit", defaultValue = "100", description = "at most this many (default ${DEFAULT-VALUE})") int limit;

    @Override
    public Integer call() {
        ArrayNode all = ApiClient.JSON.createArrayNode();
        String cursor = null;
        do {
            JsonNode page = api().get(ApiClient.query("/v1/audit", ApiClient.params("host", host, "action", action, "actor", actor,
                    "limit", Math.min(1000, limit - all.size()), "cursor", cursor)));
            page.path("entries").forEach(all::add);
            cursor = page.hasNonNull("next_cursor") ? page.get("next_cursor").asText() : null;
        } while (cursor != null && all.size() < limit);
        output().list(all, Output.columns("id", "at", "actor", "action", "target", "command_uuid", "detail"));
        return 0;
    }
}
