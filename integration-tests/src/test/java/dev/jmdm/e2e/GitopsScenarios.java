package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.SimulatedDevice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code jmdm apply} and {@code jmdm export} against a real server with simulated Macs that install and remove
 * the profiles they are sent: a folder applied converges the devices; the dry run after it finds nothing; an
 * edit shows exactly the edit; {@code --prune} removes what the folder dropped; a bad folder is refused whole,
 * with file and line; an export applies back with no change. The scenarios share one server and run in order
 * (the first prunes everything the folder does not name).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class GitopsScenarios {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "p@ss&<word>-" + UUID.randomUUID();

    TestServer server;
    AdminClient admin;
    CliRunner cli;
    Path work;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void startServer() throws Exception {
        work = Files.createTempDirectory("jmdm-gitops");
        // No periodic work: every reconciliation is the one a change triggers or the test asks for.
        server = new TestServer(engine(), work, Map.of("MDM_PROFILE_SWEEP", "0", "MDM_PROFILE_LIST_EVERY", "0", "MDM_REPUSH_AFTER", "0"));
        admin = server.admin;
        cli = new CliRunner(server, work.resolve("config.yml")).env("WIFI_PASSWORD", SECRET);
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    // ---- the lifecycle -------------------------------------------------------------------------------

    @Test
    @Order(1)
    void aFolderConvergesTheDevicesAndEditsAndPrunesShowExactlyWhatChanges() throws Exception {
        SimulatedDevice a = enrolled();
        SimulatedDevice b = enrolled();
        SimulatedDevice c = enrolled();
        Path dir = Files.createDirectories(work.resolve("repo"));
        String wifiUuid = uuid();
        write(dir, "profiles/wifi.mobileconfig", wifi("com.example.gitops.wifi", wifiUuid, "Office"));
        write(dir, "profiles/dock.mobileconfig", new String(dev.jmdm.sim.Profiles.withOnePayload("com.example.gitops.dock", uuid(),
                "GitOps Dock", "com.apple.dock", 48), StandardCharsets.UTF_8));
        write(dir, "policies/filevault.yml", """
                name: gitops-filevault
                platforms: [macos]
                targets: {groups: [lab]}
                check: {fact: security.filevault_enabled, eq: true}
                remediation_enabled: false
                """);
        write(dir, "jmdm.yml", """
                groups:
                  - name: lab
                    hosts: [%s, %s]
                profiles:
                  - path: profiles/wifi.mobileconfig
                    targets: {groups: [lab], exclude_hosts: []}
                  - path: profiles/dock.mobileconfig
                    targets: {hosts: [%s]}
                policies:
                  - path: policies/filevault.yml
                """.formatted(serial(a), serial(b), serial(c)));

        CliRunner.Run applied = cli.run("apply", "-f", dir.toString(), "-m", "commit 1111111", "-o", "table");
        assertThat(applied.exit()).as(applied.toString()).isEqualTo(0);
        assertThat(applied.out()).contains("create group lab (2 hosts)", "create profile com.example.gitops.wifi (2 hosts)",
                "create profile com.example.gitops.dock (1 host)", "create policy gitops-filevault (2 hosts)",
                "secrets: WIFI_PASSWORD=****");
        converge(a, b, c);
        assertThat(a.state().profiles()).containsKeys("com.example.gitops.wifi").doesNotContainKey("com.example.gitops.dock");
        assertThat(b.state().profiles()).containsKeys("com.example.gitops.wifi").doesNotContainKey("com.example.gitops.dock");
        assertThat(c.state().profiles()).containsKeys("com.example.gitops.dock").doesNotContainKey("com.example.gitops.wifi");
        // The device got the password itself, the XML-escaped form of it in the profile.
        assertThat(new String(a.state().profiles().get("com.example.gitops.wifi").raw(), StandardCharsets.UTF_8))
                .contains(SECRET.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"));
        assertThat(verified("com.example.gitops.wifi")).isEqualTo(2);

        CliRunner.Run again = cli.run("apply", "-f", dir.toString(), "--dry-run", "-o", "table");
        assertThat(again.exit()).as(again.toString()).isEqualTo(0);
        assertThat(again.out()).startsWith("no changes");
        // Applying again is idempotent: nothing is written, so no second version.
        assertThat(cli.run("apply", "-f", dir.toString()).exit()).isEqualTo(0);
        assertThat(admin.send("GET", "/v1/profiles/com.example.gitops.wifi", null).json().get("version").asInt()).isEqualTo(1);

        // Edit the Wi-Fi profile (keeping its PayloadUUID: the server gives the edit a new one) and move b out of lab, c in.
        write(dir, "profiles/wifi.mobileconfig", wifi("com.example.gitops.wifi", wifiUuid, "Office 5G"));
        write(dir, "jmdm.yml", Files.readString(dir.resolve("jmdm.yml")).replace(serial(b) + "]", serial(c) + "]"));
        CliRunner.Run plan = cli.run("apply", "-f", dir.toString(), "--dry-run", "-o", "json");
        assertThat(plan.exit()).as(plan.toString()).isEqualTo(3);
        List<JsonNode> changes = changes(plan);
        assertThat(changes).hasSize(2);
        assertThat(changes.get(0).get("op").asText() + " " + changes.get(0).get("kind").asText() + " " + changes.get(0).get("name").asText())
                .isEqualTo("update group lab");
        assertThat(texts(changes.get(0).get("details"))).containsExactly("hosts: + " + serial(c), "hosts: - " + serial(b));
        assertThat(changes.get(0).get("hosts_touched").asInt()).isEqualTo(2);
        assertThat(changes.get(1).get("name").asText()).isEqualTo("com.example.gitops.wifi");
        assertThat(changes.get(1).get("op").asText()).isEqualTo("update");
        assertThat(texts(changes.get(1).get("details"))).containsExactly("content: version 1 → 2 (profiles/wifi.mobileconfig)",
                "secrets: WIFI_PASSWORD=****");
        // a, b and c: a gets the new version, b loses the profile, c gets it.
        assertThat(changes.get(1).get("hosts_touched").asInt()).isEqualTo(3);
        // The policy targets lab too, but its document did not change: it is not listed.

        CliRunner.Run edit = cli.run("apply", "-f", dir.toString(), "-m", "commit 2222222");
        assertThat(edit.exit()).as(edit.toString()).isEqualTo(0);
        converge(a, b, c);
        String newUuid = admin.send("GET", "/v1/profiles/com.example.gitops.wifi", null).json().get("uuid").asText();
        assertThat(newUuid).isNotEqualTo(wifiUuid);
        assertThat(a.state().profiles().get("com.example.gitops.wifi").uuid()).isEqualTo(newUuid);
        assertThat(c.state().profiles().get("com.example.gitops.wifi").uuid()).isEqualTo(newUuid);
        assertThat(b.state().profiles()).doesNotContainKey("com.example.gitops.wifi");
        assertThat(cli.run("apply", "-f", dir.toString(), "--dry-run").exit()).isEqualTo(0);

        // Drop the Dock profile from the folder: without --prune it is only listed, with it deleted everywhere.
        write(dir, "jmdm.yml", Files.readString(dir.resolve("jmdm.yml"))
                .replace("  - path: profiles/dock.mobileconfig\n    targets: {hosts: [" + serial(c) + "]}\n", ""));
        CliRunner.Run unpruned = cli.run("apply", "-f", dir.toString(), "--dry-run", "-o", "table");
        assertThat(unpruned.exit()).as(unpruned.toString()).isEqualTo(0);
        assertThat(unpruned.out()).contains("unmanaged profile com.example.gitops.dock: not in the folder");
        CliRunner.Run prunePlan = cli.run("apply", "-f", dir.toString(), "--dry-run", "--prune", "-o", "table");
        assertThat(prunePlan.exit()).as(prunePlan.toString()).isEqualTo(3);
        assertThat(prunePlan.out().strip()).isEqualTo("delete profile com.example.gitops.dock (1 host)");
        CliRunner.Run pruned = cli.run("apply", "-f", dir.toString(), "--prune", "-m", "commit 3333333");
        assertThat(pruned.exit()).as(pruned.toString()).isEqualTo(0);
        converge(a, b, c);
        assertThat(c.state().profiles()).doesNotContainKey("com.example.gitops.dock").containsKey("com.example.gitops.wifi");
        assertThat(admin.send("GET", "/v1/profiles/com.example.gitops.dock", null).status()).isEqualTo(404);

        // Every apply that changed something is audited with the caller and the note; the secret is nowhere.
        AdminClient.Reply audit = admin.send("GET", "/v1/audit?action=gitops.apply&limit=100", null);
        List<String> notes = new ArrayList<>();
        audit.json().get("entries").forEach(e -> {
            notes.add(e.get("detail").get("note").asText());
            assertThat(e.get("actor").asText()).isEqualTo("nanomdm");
        });
        assertThat(notes).containsExactly("commit 3333333", "commit 2222222", "commit 1111111");
        assertThat(audit.body()).contains("delete profile com.example.gitops.dock").doesNotContain(SECRET);
        for (CliRunner.Run r : List.of(applied, again, plan, edit, unpruned, prunePlan, pruned)) {
            assertThat(r.out() + r.err()).doesNotContain(SECRET);
        }
    }

    // ---- export ---------------------------------------------------------------------------------------

    @Test
    @Order(2)
    void anExportAppliesBackWithNoChange() throws Exception {
        SimulatedDevice d = enrolled();
        Path dir = Files.createDirectories(work.resolve("repo2"));
        write(dir, "extra.mobileconfig", new String(dev.jmdm.sim.Profiles.withOnePayload("com.example.gitops.export", uuid(),
                "Export me", "com.apple.dock", 16), StandardCharsets.UTF_8));
        AdminClient.Reply up = admin.send("POST", "/v1/profiles", Files.readAllBytes(dir.resolve("extra.mobileconfig")));
        assertThat(up.status()).isEqualTo(201);
        // An edit reusing the PayloadUUID: the server rewrites it, and the export must still compare as equal.
        String text = Files.readString(dir.resolve("extra.mobileconfig")).replace("<integer>16</integer>", "<integer>20</integer>");
        assertThat(admin.send("POST", "/v1/profiles", text.getBytes(StandardCharsets.UTF_8)).json().get("uuid_rewritten").asBoolean()).isTrue();
        assertThat(admin.send("PUT", "/v1/groups/exported", ("{\"hosts\": [\"" + d.udid() + "\"]}").getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(200);
        assertThat(admin.send("PUT", "/v1/profiles/com.example.gitops.export/targets",
                ("{\"groups\": [\"exported\"], \"exclude_hosts\": [\"" + serial(d) + "\"]}").getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(200);

        Path out = work.resolve("exported");
        CliRunner.Run export = cli.run("export", out.toString());
        assertThat(export.exit()).as(export.toString()).isEqualTo(0);
        assertThat(Files.readString(out.resolve("jmdm.yml"))).contains("name: exported", serial(d), "profiles/com.example.gitops.export.mobileconfig");
        CliRunner.Run dry = cli.run("apply", "-f", out.toString(), "--dry-run", "--prune", "-o", "table");
        assertThat(dry.exit()).as(dry.toString()).isEqualTo(0);
        assertThat(dry.out().strip()).isEqualTo("no changes");
        // A second export into a folder that is not empty is refused unless forced.
        assertThat(cli.run("export", out.toString()).exit()).isEqualTo(1);
        assertThat(cli.run("export", "--force", out.toString()).exit()).isEqualTo(0);
    }

    // ---- refusals --------------------------------------------------------------------------------------

    @Test
    @Order(3)
    void aBadFolderIsRefusedWholeWithEveryProblemsFileAndLine() throws Exception {
        Path dir = Files.createDirectories(work.resolve("bad"));
        write(dir, "profiles/ok.mobileconfig", new String(dev.jmdm.sim.Profiles.withOnePayload("com.example.gitops.never", uuid(),
                "Never stored", "com.apple.dock", 16), StandardCharsets.UTF_8));
        write(dir, "profiles/secret.mobileconfig", wifi("com.example.gitops.secret", uuid(), "$ENV{GITOPS_MISSING_VAR}"));
        write(dir, "profiles/broken.mobileconfig", "<plist><dict><key>PayloadType</key><string>Configuration</string></dict></plist>");
        write(dir, "policies/bad.yml", """
                name: gitops-bad
                check:
                  all:
                    - {fact: device.os_version, gte: 'fifteen'}
                """);
        write(dir, "jmdm.yml", """
                groups:
                  - name: never-created
                    hosts: [C02NEVER0001]
                  - hosts: [C02NEVER0002]
                profiles:
                  - path: profiles/ok.mobileconfig
                    targets: {groups: [no-such-group]}
                  - path: profiles/missing.mobileconfig
                  - path: profiles/secret.mobileconfig
                  - path: profiles/broken.mobileconfig
                  - path: ../outside.mobileconfig
                policies:
                  - path: policies/bad.yml
                colour: blue
                """);
        write(dir, "more.yml", "groups:\n  - name: x\n    hosts: [a, b\n");
        int auditBefore = admin.send("GET", "/v1/audit?limit=1000", null).json().get("entries").size();

        for (String[] args : List.of(new String[] {"apply", "-f", dir.toString()}, new String[] {"apply", "-f", dir.toString(), "--dry-run"})) {
            CliRunner.Run r = cli.run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains(
                    "jmdm.yml:4: name is required",
                    "jmdm.yml:7: no group no-such-group in the folder or on the server",
                    "jmdm.yml:8: no file profiles/missing.mobileconfig in the folder",
                    "profiles/secret.mobileconfig:",
                    "the environment variable GITOPS_MISSING_VAR is not set",
                    "profiles/broken.mobileconfig:1: ",
                    "jmdm.yml:11: ../outside.mobileconfig is outside the folder",
                    "policies/bad.yml:4: check.all[0].gte",
                    "jmdm.yml:14: unknown key 'colour'",
                    "more.yml:3: not valid YAML",
                    "nothing was applied");
            assertThat(r.out()).isEmpty();
        }
        assertThat(admin.send("GET", "/v1/groups/never-created", null).status()).isEqualTo(404);
        assertThat(admin.send("GET", "/v1/profiles/com.example.gitops.never", null).status()).isEqualTo(404);
        assertThat(admin.send("GET", "/v1/hosts/C02NEVER0001", null).status()).isEqualTo(404);
        assertThat(admin.send("GET", "/v1/audit?limit=1000", null).json().get("entries").size()).isEqualTo(auditBefore);
    }

    @Test
    @Order(4)
    void theExampleFolderInTheDocsIsValid() {
        Path example = Path.of("..", "docs", "examples", "gitops");
        CliRunner.Run missing = new CliRunner(server, work.resolve("config.yml")).run("apply", "-f", example.toString(), "--dry-run");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("profiles/wifi.mobileconfig:15: the environment variable WIFI_PASSWORD is not set");
        CliRunner.Run r = cli.run("apply", "-f", example.toString(), "--dry-run", "-o", "table");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.out()).contains("group lab (", "create group office (1 host)", "create profile com.example.wifi", "create profile com.example.dock",
                "create policy filevault", "create policy minimum-os");
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    SimulatedDevice enrolled() {
        SimulatedDevice d = server.newMac();
        d.enroll();
        d.channel().poll();
        return d;
    }

    static String serial(SimulatedDevice d) {
        return d.facts().serialNumber();
    }

    static String uuid() {
        return UUID.randomUUID().toString().toUpperCase();
    }

    /** Reconcile and let every device answer, until nothing more is queued. */
    void converge(SimulatedDevice... devices) {
        for (int round = 0; round < 3; round++) {
            assertThat(admin.send("POST", "/v1/profiles/reconcile", null).status()).isEqualTo(200);
            for (SimulatedDevice d : devices) {
                d.channel().poll();
            }
        }
        for (SimulatedDevice d : devices) {
            assertThat(d.channel().poll()).isEmpty();
        }
    }

    int verified(String identifier) {
        return admin.send("GET", "/v1/profiles/" + identifier + "/status", null).json().get("counts").get("verified").asInt();
    }

    static List<JsonNode> changes(CliRunner.Run r) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(r.out()).forEach(out::add);
        return out;
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }

    static void write(Path dir, String rel, String text) throws IOException {
        Path f = dir.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text, StandardCharsets.UTF_8);
    }

    /** A Wi-Fi profile whose SSID varies; the password is the $ENV reference every version keeps. */
    static String wifi(String identifier, String uuid, String ssid) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <plist version="1.0">
                <dict>
                  <key>PayloadContent</key>
                  <array>
                    <dict>
                      <key>PayloadType</key><string>com.apple.wifi.managed</string>
                      <key>PayloadIdentifier</key><string>%1$s.payload</string>
                      <key>PayloadUUID</key><string>7A1D0C3E-1111-4222-8333-444455556666</string>
                      <key>PayloadVersion</key><integer>1</integer>
                      <key>SSID_STR</key><string>%3$s</string>
                      <key>EncryptionType</key><string>WPA2</string>
                      <key>Password</key><string>$ENV{WIFI_PASSWORD}</string>
                    </dict>
                  </array>
                  <key>PayloadDisplayName</key><string>%1$s Wi-Fi</string>
                  <key>PayloadIdentifier</key><string>%1$s</string>
                  <key>PayloadType</key><string>Configuration</string>
                  <key>PayloadUUID</key><string>%2$s</string>
                  <key>PayloadVersion</key><integer>1</integer>
                </dict>
                </plist>
                """.formatted(identifier, uuid, ssid);
    }

}
