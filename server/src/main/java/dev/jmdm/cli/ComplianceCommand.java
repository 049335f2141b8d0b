package dev.jmdm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jmdm compliance}: every host × policy, or the summary; {@code --output csv > report.csv} is the server's own CSV. */
@Command(name = "compliance", description = "Every host's result for every policy (--output csv > report.csv), or --summary.",
        mixinStandardHelpOptions = true)
final class ComplianceCommand extends ApiCommand {
    @Option(names = "--summary", description = "overall and per policy: passing, failing, unknown") boolean summary;

    @Override
    public Integer call() {
        if (summary) {
            JsonNode s = api().get("/v1/compliance/summary");
            if (output().format() == Output.Format.json) {
                output().json(s);
            } else {
                output().list(s.path("policies"), Output.columns("policy", "passing", "failing", "unknown", "percent_passing"));
            }
            return 0;
        }
        if (output().format() == Output.Format.csv) {
            // The server's CSV, byte for byte: the same report the API documents.
            out().print(api().call("GET", "/v1/compliance?format=csv", null, null).text());
            out().flush();
            return 0;
        }
        output().list(api().get("/v1/compliance").path("results"),
                Output.columns("host_id", "serial_number", "device_name", "policy", "result", "since", "reason"));
        return 0;
    }
}
