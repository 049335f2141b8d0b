package dev.jmdm.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmdm enrollment-links}: BYOD enrollment links. */
@Command(name = "enrollment-links", description = "Create, list and revoke enrollment links.", mixinStandardHelpOptions = true,
        subcommands = {EnrollmentLinksCommand.ListLinks.class, EnrollmentLinksCommand.Create.class, EnrollmentLinksCommand.Revoke.class})
final class EnrollmentLinksCommand {
    static final List<Output.Column> COLUMNS = Output.columns("id", "status", "uses", "max_uses", "expires_at", "note");

    @Command(name = "list", description = "Links with their status and uses.", mixinStandardHelpOptions = true)
    static final class ListLinks extends ApiCommand {
        @Override
        public Integer call() {
            output().list(api().get("/v1/enrollment-links").path("enrollment_links"), COLUMNS);
            return 0;
        }
    }

    @Command(name = "create", description = "A new link; its URL is shown only now.", mixinStandardHelpOptions = true)
    static final class Create extends ApiCommand {
        @Option(names = "--expires-at", paramLabel = "ISO-8601") String expiresAt;
        @Option(names = "--max-uses") Integer maxUses;
        @Option(names = "--note") String note;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (expiresAt != null) {
                body.put("expires_at", expiresAt);
            }
            if (maxUses != null) {
                body.put("max_uses", maxUses);
            }
            if (note != null) {
                body.put("note", note);
            }
            output().object(api().postJson("/v1/enrollment-links", body), Output.columns("id", "url", "expires_at", "max_uses", "note"));
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a link.", mixinStandardHelpOptions = true)
    static final class Revoke extends ApiCommand {
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() {
            output().object(api().delete("/v1/enrollment-links/" + ApiClient.segment(id)), COLUMNS);
            return 0;
        }
    }
}
