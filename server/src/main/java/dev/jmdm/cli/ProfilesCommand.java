package dev.jmdm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmdm profiles}: the configuration profile store and its per-host status. */
@Command(name = "profiles", description = "Upload, list, follow and delete configuration profiles.", mixinStandardHelpOptions = true,
        subcommands = {ProfilesCommand.ListProfiles.class, ProfilesCommand.Upload.class, ProfilesCommand.Status.class,
                ProfilesCommand.Delete.class})
final class ProfilesCommand {
    @Command(name = "list", description = "Every profile's latest version.", mixinStandardHelpOptions = true)
    static final class ListProfiles extends ApiCommand {
        @Override
        public Integer call() {
            output().list(api().get("/v1/profiles").path("profiles"),
                    Output.columns("identifier", "display_name", "version", "uuid", "signed", "updated_at"));
            return 0;
        }
    }

    @Command(name = "upload", description = "Upload a .mobileconfig (a new identifier creates, an existing one edits).",
            mixinStandardHelpOptions = true)
    static final class Upload extends ApiCommand {
        @Parameters(paramLabel = "FILE") Path file;

        @Override
        public Integer call() throws IOException {
            JsonNode r = api().call("POST", "/v1/profiles", Files.readAllBytes(file), "application/x-apple-aspen-config").json();
            output().object(r, Output.columns("identifier", "uuid", "version", "outcome", "warning"));
            return 0;
        }
    }

    @Command(name = "status", description = "Per-host status of a profile (pending, verifying, verified, failed).",
            mixinStandardHelpOptions = true)
    static final class Status extends ApiCommand {
        @Parameters(paramLabel = "IDENTIFIER") String identifier;
        @Option(names = "--status", description = "only pending, verifying, verified or failed") String status;

        @Override
        public Integer call() {
            String base = "/v1/profiles/" + ApiClient.segment(identifier) + "/status";
            com.fasterxml.jackson.databind.node.ArrayNode hosts = ApiClient.JSON.createArrayNode();
            JsonNode page;
            String cursor = null;
            do {
                page = api().get(ApiClient.query(base, ApiClient.params("status", status, "limit", 1000, "cursor", cursor)));
                page.path("hosts").forEach(hosts::add);
                cursor = page.hasNonNull("next_cursor") ? page.get("next_cursor").asText() : null;
            } while (cursor != null);
            if (output().format() == Output.Format.json) {
                com.fasterxml.jackson.databind.node.ObjectNode all = ((com.fasterxml.jackson.databind.node.ObjectNode) page.deepCopy());
                all.set("hosts", hosts);
                all.remove("next_cursor");
                output().json(all);
            } else {
                output().list(hosts, List.of(Output.Column.of("host"), Output.Column.of("serial"), Output.Column.of("udid"),
                        Output.Column.of("status"), Output.Column.of("operation"), Output.Column.of("version"),
                        Output.Column.of("detail"), Output.Column.of("updated_at")));
                JsonNode c = page.path("counts");
                err().println(identifier + ": " + c.path("verified").asInt() + " verified, " + c.path("verifying").asInt()
                        + " verifying, " + c.path("pending").asInt() + " pending, " + c.path("failed").asInt() + " failed");
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a profile: hosts that hold it get RemoveProfile.", mixinStandardHelpOptions = true)
    static final class Delete extends ApiCommand {
        @Parameters(paramLabel = "IDENTIFIER") String identifier;

        @Override
        public Integer call() {
            api().delete("/v1/profiles/" + ApiClient.segment(identifier));
            err().println("deleted profile " + identifier);
            return 0;
        }
    }
}
