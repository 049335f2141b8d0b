package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Answer;
import dev.jmdm.sim.SimulatedDevice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@code jmdm} commands against a real server on the embedded store (the commands only read and write
 * through the API; GitOps, where storage matters, runs on both engines in {@link GitopsScenarios}): output
 * formats read back by real parsers, {@code commands run} with its progress, exit codes, contexts, the
 * compliance CSV, completion, and the launcher script as a subprocess.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final CsvMapper CSV = new CsvMapper();

    TestServer server;
    AdminClient admin;
    CliRunner cli;
    Path work;
    SimulatedDevice mac1;
    SimulatedDevice mac2;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("jmdm-cli");
        server = new TestServer(TestDatabases.Engine.EMBEDDED, work, Map.of("MDM_PROFILE_SWEEP", "0", "MDM_REPUSH_AFTER", "0"));
        admin = server.admin;
        cli = new CliRunner(server, work.resolve("config.yml"));
        mac1 = server.newMac();
        mac1.enroll();
        mac2 = server.newMac();
        mac2.enroll();
        // A name with a comma and a quote, so the CSV must quote it.
        assertThat(admin.send("PUT", "/v1/groups/lab", ("{\"hosts\": [\"" + mac1.udid() + "\", \"" + mac2.udid() + "\"]}")
                .getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        assertThat(admin.send("PUT", "/v1/groups/a%2C%20%22b%22", ("{\"hosts\": [\"" + mac1.udid() + "\"]}")
                .getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyOutputFormatReadsBack() throws Exception {
        CliRunner.Run json = cli.run("hosts", "list", "-o", "json");
        assertThat(json.exit()).as(json.toString()).isEqualTo(0);
        JsonNode hosts = JSON.readTree(json.out());
        assertThat(hosts.isArray()).isTrue();
        Map<String, String> serialById = new HashMap<>();
        hosts.forEach(h -> serialById.put(h.get("id").asText(), h.get("serial_number").asText()));
        assertThat(serialById.values()).contains(mac1.facts().serialNumber(), mac2.facts().serialNumber());

        CliRunner.Run csv = cli.run("hosts", "list", "-o", "csv");
        List<Map<String, String>> rows = csv(csv.out());
        assertThat(rows).hasSize(hosts.size());
        for (Map<String, String> r : rows) {
            assertThat(r.get("serial_number")).isEqualTo(serialById.get(r.get("id")));
            assertThat(r.keySet()).containsExactly("id", "serial_number", "device_name", "platform", "os_version", "status",
                    "last_seen_at", "groups");
        }
        // Both groups in one cell: "a, \"b\"" needs quoting and must come back whole.
        Map<String, String> first = rows.stream().filter(r -> r.get("serial_number").equals(mac1.facts().serialNumber())).findFirst().orElseThrow();
        assertThat(first.get("groups")).isIn("a, \"b\",lab", "lab,a, \"b\"");

        CliRunner.Run table = cli.run("hosts", "list", "-o", "table");
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0).split("\\s+")).containsExactly("ID", "SERIAL_NUMBER", "DEVICE_NAME", "PLATFORM", "OS_VERSION",
                "STATUS", "LAST_SEEN_AT", "GROUPS");
        assertThat(lines).hasSize(hosts.size() + 1);
        int serialColumn = lines.get(0).indexOf("SERIAL_NUMBER");
        for (String line : lines.subList(1, lines.size())) {
            String id = line.substring(0, line.indexOf(' '));
            assertThat(line.substring(serialColumn).split("\\s+")[0]).isEqualTo(serialById.get(id));
        }

        CliRunner.Run one = cli.run("hosts", "get", mac2.facts().serialNumber(), "-o", "json");
        assertThat(JSON.readTree(one.out()).get("udid").asText()).isEqualTo(mac2.udid());
        List<Map<String, String>> oneCsv = csv(cli.run("hosts", "get", mac2.udid(), "-o", "csv").out());
        assertThat(oneCsv).singleElement().satisfies(r -> assertThat(r.get("serial_number")).isEqualTo(mac2.facts().serialNumber()));

        List<Map<String, String>> groups = csv(cli.run("groups", "list", "-o", "csv").out());
        assertThat(groups).extracting(g -> g.get("name") + "=" + g.get("member_count")).containsExactlyInAnyOrder("lab=2", "a, \"b\"=1");
        JsonNode groupsJson = JSON.readTree(cli.run("groups", "list", "--output=json").out());
        assertThat(groupsJson).hasSize(2);
    }

    @Test
    void commandsRunShowsProgressAndSummaryAndExitsByOutcome() throws Exception {
        String hostsArg = mac1.facts().serialNumber() + "," + mac2.udid();
        CompletableFuture<CliRunner.Run> run = CompletableFuture.supplyAsync(() -> cli.run("commands", "run", "--request-type", "ProfileList",
                "--hosts", hostsArg, "--no-push", "--wait", "30s", "-o", "json"));
        // Let the CLI see the command queued before the devices fetch it.
        awaitQueued(mac1);
        awaitQueued(mac2);
        Thread.sleep(1000);
        mac1.channel().poll();
        Thread.sleep(1000);
        mac2.channel().poll();
        CliRunner.Run done = run.get(60, TimeUnit.SECONDS);
        assertThat(done.exit()).as(done.toString()).isEqualTo(0);
        List<String> progress = done.err().lines().toList();
        assertThat(progress.get(0)).isEqualTo("queued 2 → delivered 0 → answered 0");
        assertThat(progress).contains("queued 2 → delivered 1 → answered 1", "queued 2 → delivered 2 → answered 2");
        assertThat(progress.get(progress.size() - 1)).endsWith(": 2 acknowledged, 0 failed, 0 not answered");
        JsonNode results = JSON.readTree(done.out());
        assertThat(results).hasSize(2);
        results.forEach(r -> assertThat(r.get("status").asText()).isEqualTo("Acknowledged"));

        // One device refuses, the other never answers: exit 4, and the summary says which is which.
        mac1.behaviour((type, cmd) -> "DeviceInformation".equals(type) ? Answer.error("MDMErrorDomain", 12021, "refused") : null);
        CompletableFuture<CliRunner.Run> failing = CompletableFuture.supplyAsync(() -> cli.run("commands", "run",
                "--request-type", "DeviceInformation", "--set", "queries=[\"OSVersion\"]", "--group", "lab", "--no-push", "--wait", "4s",
                "-o", "csv"));
        awaitQueued(mac1);
        mac1.channel().poll();
        CliRunner.Run failed = failing.get(60, TimeUnit.SECONDS);
        mac1.behaviour((type, cmd) -> null);
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(4);
        assertThat(failed.err()).contains("(1 failed)").contains(": 0 acknowledged, 1 failed, 1 not answered within 4s");
        List<Map<String, String>> rows = csv(failed.out());
        assertThat(rows).extracting(r -> r.get("status")).containsExactlyInAnyOrder("Error", "Queued");
        mac2.channel().poll();

        // commands get reads it back.
        String lastUuid = failed.err().lines().filter(l -> l.contains(" acknowledged,")).findFirst().orElseThrow().split(":")[0];
        JsonNode got = JSON.readTree(cli.run("commands", "get", lastUuid, "-o", "json").out());
        assertThat(got.get("request_type").asText()).isEqualTo("DeviceInformation");
    }

    @Test
    void errorsAreOneLineWithExitOneAndUsageErrorsExitTwo() {
        CliRunner.Run unknown = cli.run("hosts", "get", "NO-SUCH-HOST");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("jmdm: no host NO-SUCH-HOST\n");
        CliRunner.Run wipe = cli.run("hosts", "wipe", mac1.udid(), "--confirm", "WRONG");
        assertThat(wipe.exit()).isEqualTo(1);
        assertThat(wipe.err().lines().count()).isEqualTo(1);
        assertThat(wipe.err()).startsWith("jmdm: ").contains("confirm");

        CliRunner.Run badKey = new CliRunner(server, work.resolve("none.yml")).env("JMDM_API_KEY", "wrong-key").run("hosts", "list");
        assertThat(badKey.exit()).isEqualTo(1);
        assertThat(badKey.err()).startsWith("jmdm: unauthorized");
        CliRunner.Run noServer = new CliRunner(server, work.resolve("none.yml")).env("JMDM_URL", null).run("hosts", "list");
        assertThat(noServer.exit()).isEqualTo(1);
        assertThat(noServer.err()).startsWith("jmdm: no server");

        assertThat(cli.run("hosts", "frobnicate").exit()).isEqualTo(2);
        assertThat(cli.run("hosts", "list", "-o", "xml").exit()).isEqualTo(2);
        assertThat(cli.run("apply").exit()).isEqualTo(2);
        assertThat(cli.run("commands", "run", "--request-type", "ProfileList").exit()).isEqualTo(2);
    }

    @Test
    void contextsNameServersAndFlagsWinOverThem() throws Exception {
        Path config = work.resolve("contexts.yml");
        CliRunner bare = new CliRunner(server, config).env("JMDM_URL", null).env("JMDM_API_KEY", null);
        assertThat(bare.run("context", "set", "prod", "--url", server.baseUri().toString(), "--api-key", TestServer.API_KEY).exit()).isEqualTo(0);
        assertThat(bare.run("context", "set", "broken", "--url", "http://127.0.0.1:9", "--api-key", "x").exit()).isEqualTo(0);
        assertThat(bare.run("context", "use", "broken").exit()).isEqualTo(0);
        assertThat(bare.run("hosts", "list").exit()).isEqualTo(1);
        assertThat(bare.run("context", "use", "prod").exit()).isEqualTo(0);
        assertThat(bare.run("hosts", "list", "-o", "json").exit()).isEqualTo(0);
        assertThat(bare.run("--context", "broken", "hosts", "list").exit()).isEqualTo(1);
        assertThat(bare.run("hosts", "list", "--context", "broken", "--url", server.baseUri().toString(), "--api-key", TestServer.API_KEY)
                .exit()).isEqualTo(0);
        assertThat(bare.run("context", "use", "nope").exit()).isEqualTo(1);
        // The key is stored for its owner alone, and never printed.
        assertThat(Files.getPosixFilePermissions(config)).extracting(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        CliRunner.Run list = bare.run("context", "list", "-o", "json");
        assertThat(list.out()).doesNotContain(TestServer.API_KEY);
        assertThat(JSON.readTree(list.out())).extracting(n -> n.get("name").asText() + ":" + n.get("current").asBoolean())
                .containsExactly("broken:false", "prod:true");
    }

    @Test
    void complianceCsvIsTheServersReport() throws Exception {
        AdminClient.Reply saved = admin.send("PUT", "/v1/policies/cli-os", """
                {"name": "cli-os", "targets": {"groups": ["lab"]}, "check": {"fact": "device.os_version", "gte": "1.0"}}"""
                .getBytes(StandardCharsets.UTF_8));
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
        CliRunner.Run report = null;
        for (int i = 0; i < 50; i++) {
            report = cli.run("compliance", "-o", "csv");
            if (csv(report.out()).size() >= 2) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(report.exit()).isEqualTo(0);
        assertThat(report.out().lines().findFirst().orElseThrow()).isEqualTo("host_id,serial_number,device_name,policy,result,since,reason");
        assertThat(csv(report.out())).extracting(r -> r.get("policy")).containsOnly("cli-os").hasSize(2);
        assertThat(report.out()).isEqualTo(admin.send("GET", "/v1/compliance?format=csv", null).body());
        List<Map<String, String>> summary = csv(cli.run("compliance", "--summary", "-o", "csv").out());
        assertThat(summary).singleElement().satisfies(r -> {
            assertThat(r.get("policy")).isEqualTo("cli-os");
            assertThat(Integer.parseInt(r.get("passing")) + Integer.parseInt(r.get("failing")) + Integer.parseInt(r.get("unknown"))).isEqualTo(2);
        });
        // The table's columns are the server's field names.
        JsonNode summaryJson = JSON.readTree(cli.run("compliance", "--summary", "-o", "json").out()).get("policies").get(0);
        assertThat(summaryJson.has("percent_passing")).isTrue();
        assertThat(summaryJson.has("passing") && summaryJson.has("failing") && summaryJson.has("unknown")).isTrue();
        JsonNode policies = JSON.readTree(cli.run("policies", "list", "-o", "json").out());
        assertThat(policies.get(0).get("name").asText()).isEqualTo("cli-os");
    }

    @Test
    void profilesLinksHostsAndAuditCommandsDoWhatTheySay() throws Exception {
        Path file = work.resolve("cli.mobileconfig");
        Files.write(file, dev.jmdm.sim.Profiles.withOnePayload("com.example.cli", "6B1C2D3E-0000-4000-8000-00000000C1C1", "CLI profile",
                "com.apple.dock", 32));
        JsonNode up = JSON.readTree(cli.run("profiles", "upload", file.toString(), "-o", "json").out());
        assertThat(up.get("outcome").asText()).isEqualTo("created");
        assertThat(JSON.readTree(cli.run("profiles", "upload", file.toString(), "-o", "json").out()).get("outcome").asText())
                .isEqualTo("unchanged");
        assertThat(csv(cli.run("profiles", "list", "-o", "csv").out())).extracting(r -> r.get("identifier")).contains("com.example.cli");
        assertThat(admin.send("PUT", "/v1/profiles/com.example.cli/targets", ("{\"hosts\": [\"" + mac2.udid() + "\"]}")
                .getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        // The targets change is reconciled in the background: the host shows in the status once it is.
        JsonNode hosts = JSON.readTree(cli.run("profiles", "status", "com.example.cli", "-o", "json").out()).get("hosts");
        for (long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15); hosts.isEmpty() && System.nanoTime() < until; ) {
            Thread.sleep(100);
            hosts = JSON.readTree(cli.run("profiles", "status", "com.example.cli", "-o", "json").out()).get("hosts");
        }
        assertThat(hosts).singleElement()
                .satisfies(h -> assertThat(h.get("udid").asText()).isEqualTo(mac2.udid()));
        assertThat(cli.run("profiles", "delete", "com.example.cli").exit()).isEqualTo(0);
        assertThat(admin.send("GET", "/v1/profiles/com.example.cli", null).status()).isEqualTo(404);
        mac2.channel().poll();

        JsonNode link = JSON.readTree(cli.run("enrollment-links", "create", "--max-uses", "2", "--note", "alice", "-o", "json").out());
        assertThat(link.get("url").asText()).contains("/mdm/enroll?token=");
        String id = link.get("id").asText();
        assertThat(csv(cli.run("enrollment-links", "list", "-o", "csv").out())).filteredOn(r -> r.get("id").equals(id))
                .singleElement().satisfies(r -> assertThat(r.get("status") + "/" + r.get("max_uses") + "/" + r.get("note")).isEqualTo("active/2/alice"));
        assertThat(JSON.readTree(cli.run("enrollment-links", "revoke", id, "-o", "json").out()).get("status").asText()).isEqualTo("revoked");

        JsonNode refetch = JSON.readTree(cli.run("hosts", "refetch", mac1.udid(), "-o", "json").out());
        assertThat(refetch.get("command_uuids")).hasSize(3);
        mac1.channel().poll();
        JsonNode audit = JSON.readTree(cli.run("audit", "--host", mac1.udid(), "--action", "inventory.refetch", "-o", "json").out());
        assertThat(audit).isNotEmpty();
        assertThat(audit.get(0).get("command_uuid").asText()).isEqualTo(refetch.get("command_uuids").get(0).asText());
        assertThat(JSON.readTree(cli.run("pushcert", "list", "-o", "json").out()).isArray()).isTrue();
        JsonNode version = JSON.readTree(cli.run("version", "-o", "json").out());
        assertThat(version.get("server").asText()).isNotBlank();
        assertThat(cli.run("help", "apply").out()).contains("--dry-run", "--prune");
    }

    @Test
    void completionScriptsCoverTheCommands() {
        CliRunner.Run r = cli.run("generate-completion");
        assertThat(r.exit()).isEqualTo(0);
        assertThat(r.out()).contains("complete -F _complete_jmdm", "hosts", "enrollment-links", "apply", "--dry-run");
    }

    @Test
    void theLauncherScriptRunsTheCli() throws Exception {
        Path launcher = Path.of("..", "server", "bin", "jmdm").toAbsolutePath().normalize();
        assertThat(launcher).isExecutable();
        assertThat(launcher.resolveSibling("../target/mdm-server.jar").normalize()).exists();
        // Through a symlink elsewhere, as a user puts it on their PATH.
        Path link = Files.createSymbolicLink(work.resolve("jmdm"), launcher);
        ProcessBuilder noKey = new ProcessBuilder(link.toString(), "hosts", "list", "-o", "csv", "--url", server.baseUri().toString());
        noKey.environment().keySet().removeIf(k -> k.startsWith("JMDM_"));
        noKey.environment().put("JMDM_CONFIG", work.resolve("no-such-config.yml").toString());
        Process p = noKey.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // No key given: one line, exit 1.
        assertThat(p.exitValue()).as(out + err).isEqualTo(1);
        assertThat(err).startsWith("jmdm: no API key");

        ProcessBuilder ok = new ProcessBuilder(link.toString(), "hosts", "list", "-o", "csv");
        ok.environment().put("JMDM_URL", server.baseUri().toString());
        ok.environment().put("JMDM_API_KEY", TestServer.API_KEY);
        ok.environment().put("JMDM_CONFIG", work.resolve("launcher.yml").toString());
        Process q = ok.start();
        q.getOutputStream().close();
        String csv = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String qerr = new String(q.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).as(qerr).isEqualTo(0);
        assertThat(csv(csv)).extracting(r -> r.get("serial_number")).contains(mac1.facts().serialNumber(), mac2.facts().serialNumber());

        ProcessBuilder bad = new ProcessBuilder(link.toString(), "no-such-command");
        bad.environment().put("JMDM_CONFIG", work.resolve("no-such-config.yml").toString());
        Process usage = bad.start();
        usage.getOutputStream().close();
        usage.getInputStream().readAllBytes();
        usage.getErrorStream().readAllBytes();
        assertThat(usage.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(usage.exitValue()).isEqualTo(2);
    }

    /** Until a command waits in the device's queue (the CLI has queued it). */
    void awaitQueued(SimulatedDevice d) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (admin.send("GET", "/v1/enrollments/" + d.udid() + "/queue", null).body().contains("command_uuid")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nothing was queued for " + d.udid());
    }

    static List<Map<String, String>> csv(String text) throws IOException {
        List<Map<String, String>> out = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = CSV.readerForMapOf(String.class).with(CsvSchema.emptySchema().withHeader())
                .readValues(text)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
