package dev.jmdm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmdm policies}: compliance policies and their per-host results. */
@Command(name = "policies", description = "List, save, delete compliance policies and read their results.",
        mixinStandardHelpOptions = true,
        subcommands = {PoliciesCommand.ListPolicies.class, PoliciesCommand.Get.class, PoliciesCommand.Save.class,
                PoliciesCommand.Delete.class, PoliciesCommand.Results.class})
final class PoliciesCommand {
    @Command(name = "list", description = "Policies with counts passing, failing, unknown.", mixinStandardHelpOptions = true)
    static final class ListPolicies extends ApiCommand {
        @Override
        public Integer call() {
            output().list(api().get("/v1/policies").path("policies"), Output.columns("name", "version", "severity",
                    "counts.passing", "counts.failing", "counts.unknown", "description"));
            return 0;
        }
    }

    @Command(name = "get", description = "A policy with its document and versions.", mixinStandardHelpOptions = true)
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            JsonNode p = api().get("/v1/policies/" + ApiClient.segment(name));
            output().object(p, Output.columns("name", "version", "severity", "description", "platforms", "counts.passing",
                    "counts.failing", "counts.unknown", "updated_at"));
            return 0;
        }
    }

    @Command(name = "save", description = "Create or replace a policy from a YAML or JSON file (named by its name).",
            mixinStandardHelpOptions = true)
    static final class Save extends ApiCommand {
        @Parameters(paramLabel = "FILE") Path file;

        @Override
        public Integer call() throws IOException {
            byte[] body = Files.readAllBytes(file);
            String type = file.toString().endsWith(".json") ? "application/json" : "application/yaml";
            JsonNode doc = (type.endsWith("json") ? ApiClient.JSON : dev.jmdm.cli.gitops.Yaml.MAPPER).readTree(body);
            String name = doc.path("name").asText("");
            if (name.isEmpty()) {
                throw new ApiException(0, file + ": the policy has no name");
            }
            JsonNode r = api().call("PUT", "/v1/policies/" + ApiClient.segment(name), body, type).json();
            output().object(r, Output.columns("name", "version"));
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a policy and its results.", mixinStandardHelpOptions = true)
    static final class Delete extends ApiCommand {
        @Parameters(paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            api().delete("/v1/policies/" + ApiClient.segment(name));
            err().println("deleted policy " + name);
            return 0;
        }
    }

    @Command(name = "results", description = "Per-host results of a policy.", mixinStandardHelpOptions = true)
    static final class Results extends ApiCommand {
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--result", description = "pass, fail or unknown") String result;

        @Override
        public Integer call() {
            com.fasterxml.jackson.databind.node.ArrayNode all = ApiClient.JSON.createArrayNode();
            String cursor = null;
            do {
                JsonNode page = api().get(ApiClient.query("/v1/policies/" + ApiClient.segment(name) + "/results",
                        ApiClient.params("result", result, "limit", 1000, "cursor", cursor)));
                page.path("results").forEach(all::add);
                cursor = page.hasNonNull("next_cursor") ? page.get("next_cursor").asText() : null;
            } while (cursor != null);
            output().list(all, Output.columns("host_id", "serial_number", "device_name", "result", "since", "reason"));
            return 0;
        }
    }
}
