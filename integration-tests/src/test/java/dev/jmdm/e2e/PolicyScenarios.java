package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dd.plist.NSDictionary;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Answer;
import dev.jmdm.sim.DeviceFacts;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.Profiles;
import dev.jmdm.sim.SimulatedDevice;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Compliance policies end to end: simulated Macs whose SecurityInfo answers change, policies sent as
 * YAML and JSON, evaluation in the background, remediation through a configuration profile, and the
 * reports, all read through the public API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PolicyScenarios {
    TestServer server;
    AdminClient admin;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void startServer() throws Exception {
        server = new TestServer(engine(), Files.createTempDirectory("jmdm-policies"), Map.of("MDM_INVENTORY", "true"));
        admin = server.admin;
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    static String tag() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 8).toLowerCase();
    }

    /** A Mac whose SecurityInfo reports FileVault as the flag says; enrolled, its first inventory answered. */
    SimulatedDevice mac(AtomicBoolean fileVault) {
        DeviceFacts f = DeviceFacts.generate(DeviceFacts.Platform.MACOS, UUID.randomUUID().toString().toUpperCase());
        SimulatedDevice d = new SimulatedDevice(server.transport, server.identity("mac"), f, TestServer.TOPIC, null);
        d.behaviour((type, command) -> {
            if (!"SecurityInfo".equals(type)) {
                return null;
            }
            NSDictionary info = new NSDictionary();
            info.put("FDE_Enabled", fileVault.get());
            info.put("SystemIntegrityProtectionEnabled", true);
            info.put("PasscodePresent", true);
            NSDictionary firewall = new NSDictionary();
            firewall.put("FirewallEnabled", true);
            info.put("FirewallSettings", firewall);
            NSDictionary extra = new NSDictionary();
            extra.put("SecurityInfo", info);
            return Answer.acknowledged(extra);
        });
        d.enroll();
        assertThat(types(d.channel().poll())).contains("DeviceInformation", "SecurityInfo", "InstalledApplicationList");
        return d;
    }

    static List<String> types(List<HandledCommand> handled) {
        return handled.stream().map(HandledCommand::requestType).toList();
    }

    /** Sends a policy document with its Content-Type (AdminClient sends none). */
    AdminClient.Reply send(String method, String path, String contentType, String body) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(server.baseUri() + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("nanomdm:" + TestServer.API_KEY)
                            .getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", contentType)
                    .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> r = server.http.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.body().isEmpty() ? null : new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
            AdminClient.Reply reply = new AdminClient.Reply(r.statusCode(), json, r.body());
            ApiContract.INSTANCE.answered(method, path, reply); // as TestServer's client does for every answer
            return reply;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode ok(AdminClient.Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    JsonNode get(String path) {
        return ok(admin.send("GET", path, null));
    }

    /** The host's result for the policy ("none" when it has none yet). */
    String result(String host, String policy) {
        for (JsonNode r : get("/v1/hosts/" + host + "/policies").get("results")) {
            if (r.get("policy").asText().equals(policy)) {
                return r.get("result").asText();
            }
        }
        return "none";
    }

    JsonNode hostResult(String host, String policy) {
        for (JsonNode r : get("/v1/hosts/" + host + "/policies").get("results")) {
            if (r.get("policy").asText().equals(policy)) {
                return r;
            }
        }
        throw new AssertionError("no result of " + policy + " for " + host);
    }

    void awaitResult(String host, String policy, String expected) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> result(host, policy).equals(expected));
    }

    List<String> eventKinds(String policy) {
        List<String> kinds = new ArrayList<>();
        get("/v1/events?policy=" + policy + "&limit=1000").get("events").forEach(e -> kinds.add(0, e.get("kind").asText()));
        return kinds;
    }

    JsonNode summaryOf(String policy) {
        for (JsonNode p : get("/v1/compliance/summary").get("policies")) {
            if (p.get("policy").asText().equals(policy)) {
                return p;
            }
        }
        throw new AssertionError("no summary for " + policy);
    }

    List<String> csvLines(String policy) {
        AdminClient.Reply r = admin.send("GET", "/v1/compliance?format=csv", null);
        assertThat(r.status()).isEqualTo(200);
        String[] lines = r.body().split("\r\n");
        assertThat(lines[0]).isEqualTo("host_id,serial_number,device_name,policy,result,since,reason");
        List<String> mine = new ArrayList<>();
        for (String l : lines) {
            if (l.contains("," + policy + ",")) {
                mine.add(l);
            }
        }
        return mine;
    }

    @Test
    void fileVaultOffFailsIsRemediatedByAProfileAndPassesOnceTheDeviceReportsItOn() {
        String t = tag();
        String profile = "com.example.filevault." + t;
        AdminClient.Reply up = admin.send("POST", "/v1/profiles",
                Profiles.withOnePayload(profile, UUID.randomUUID().toString(), "FileVault " + t, "com.apple.dock", 48));
        assertThat(up.status()).as(up.body()).isEqualTo(201);
        AtomicBoolean fileVault = new AtomicBoolean(false);
        SimulatedDevice mac = mac(fileVault);
        String serial = mac.facts().serialNumber();
        String policy = "filevault-" + t;

        AdminClient.Reply created = send("POST", "/v1/policies", "application/yaml", """
                name: %s
                description: Disks are encrypted
                platforms: [macos]
                severity: high
                targets: {hosts: [%s]}
                check: {fact: security.filevault_enabled, eq: true}
                remediation: {install_profile: %s, cooldown: 1h}
                """.formatted(policy, serial, profile));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("version").asInt()).isEqualTo(1);

        // The background evaluation: status visible, the Mac fails with the fact that decided it.
        awaitResult(serial, policy, "fail");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/v1/policies/" + policy).get("evaluation").get("status").asText().equals("done"));
        JsonNode shown = get("/v1/policies/" + policy);
        assertThat(shown.get("counts").get("failing").asInt()).isEqualTo(1);
        assertThat(shown.get("counts").get("passing").asInt()).isZero();
        JsonNode failing = hostResult(serial, policy);
        assertThat(failing.get("facts").get("security.filevault_enabled").asBoolean()).isFalse();
        assertThat(failing.get("reason").asText()).isEqualTo("security.filevault_enabled = false, wanted eq true");
        assertThat(csvLines(policy)).singleElement().asString()
                .contains("," + serial + ",").contains("," + policy + ",fail,")
                .endsWith(",\"security.filevault_enabled = false, wanted eq true\"");
        assertThat(summaryOf(policy).get("failing").asInt()).isEqualTo(1);
        assertThat(summaryOf(policy).get("percent_passing").asDouble()).isEqualTo(0.0);

        // Remediation: the host joined the profile's targets, the device receives and installs it.
        await().atMost(Duration.ofSeconds(10)).until(() -> eventKinds(policy).contains("remediation.run"));
        List<String> handled = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            handled.addAll(types(mac.channel().poll()));
            return mac.state().profiles().containsKey(profile);
        });
        assertThat(handled).contains("InstallProfile");
        JsonNode audit = get("/v1/audit?host=" + serial);
        assertThat(audit.toString()).contains("policies.remediation").contains("policy:" + policy);

        // Still off after a fresh inventory: still failing, and the remediation is not repeated (no loop).
        ok(admin.send("POST", "/v1/hosts/" + serial + "/refetch?nopush=1", null));
        assertThat(types(mac.channel().poll())).contains("SecurityInfo");
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> result(serial, policy).equals("fail"));
        assertThat(eventKinds(policy).stream().filter("remediation.run"::equals)).hasSize(1);

        // The device now reports FileVault on: the policy passes.
        fileVault.set(true);
        ok(admin.send("POST", "/v1/hosts/" + serial + "/refetch?nopush=1", null));
        assertThat(types(mac.channel().poll())).contains("SecurityInfo");
        awaitResult(serial, policy, "pass");

        JsonNode passing = hostResult(serial, policy);
        List<String> transitions = new ArrayList<>();
        passing.get("transitions").forEach(tr -> transitions.add(tr.path("from").asText("none") + "->" + tr.get("to").asText()));
        assertThat(transitions).containsExactly("none->fail", "fail->pass");
        assertThat(passing.get("transitions").get(1).get("facts").get("security.filevault_enabled").asBoolean()).isTrue();
        // The policy-wide evaluation that found the first fail wrote one policy.evaluated event, not one per host.
        assertThat(eventKinds(policy)).containsSubsequence("policy.saved", "remediation.run", "policy.evaluated", "policy.pass");
        assertThat(csvLines(policy)).singleElement().asString().contains("," + policy + ",pass,");
        JsonNode summary = summaryOf(policy);
        assertThat(summary.get("passing").asInt()).isEqualTo(1);
        assertThat(summary.get("failing").asInt()).isZero();
        assertThat(summary.get("percent_passing").asDouble()).isEqualTo(100.0);
        JsonNode history = get("/v1/compliance/summary").get("history").get(policy);
        assertThat(history).isNotEmpty();
        assertThat(history.get(history.size() - 1).get("passing").asInt()).isEqualTo(1);
        JsonNode results = get("/v1/policies/" + policy + "/results?result=pass");
        assertThat(results.get("results")).hasSize(1);
        assertThat(results.get("results").get(0).get("serial_number").asText()).isEqualTo(serial);
        assertThat(get("/v1/policies/" + policy + "/results?result=fail").get("results")).isEmpty();
        assertThat(get("/v1/policies/" + policy + "/results?platform=macos&q=" + serial.substring(2)).get("results")).hasSize(1);
        assertThat(get("/v1/policies/" + policy + "/results?platform=ios").get("results")).isEmpty();
        assertThat(get("/v1/policies/" + policy + "/results?q=_%25").get("results")).isEmpty();
        assertThat(admin.send("GET", "/v1/policies/" + policy + "/results?result=maybe", null).status()).isEqualTo(400);
    }

    /**
     * A Mac that passes from the start shows no transition; one that fails shows its first result as one (from the
     * host's stored entry). The policy-wide evaluation of a new policy writes one policy.evaluated event with the
     * counts, not one per host.
     */
    @Test
    void aFirstPassShowsNoTransitionAFirstFailOneAndANewPolicyWritesOneEvaluatedEvent() {
        SimulatedDevice on = mac(new AtomicBoolean(true));
        SimulatedDevice off = mac(new AtomicBoolean(false));
        String policy = "first-" + tag();
        AdminClient.Reply created = send("POST", "/v1/policies", "application/json", """
                {"name": "%s", "targets": {"hosts": ["%s", "%s"]}, "check": {"fact": "security.filevault_enabled", "eq": true}}
                """.formatted(policy, on.facts().serialNumber(), off.facts().serialNumber()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        awaitResult(on.facts().serialNumber(), policy, "pass");
        awaitResult(off.facts().serialNumber(), policy, "fail");

        JsonNode passing = hostResult(on.facts().serialNumber(), policy);
        assertThat(passing.get("since").asText()).isNotEmpty();
        assertThat(passing.get("transitions")).isEmpty();
        JsonNode failing = hostResult(off.facts().serialNumber(), policy);
        assertThat(failing.get("transitions")).hasSize(1);
        assertThat(failing.get("transitions").get(0).path("from").asText("none")).isEqualTo("none");
        await().atMost(Duration.ofSeconds(10)).until(() -> eventKinds(policy).contains("policy.evaluated"));
        // One event for the policy-wide evaluation; none for the first pass. The failing Mac has a policy.fail of its own
        // only if its device answered between the save and the evaluation (then its own evaluation found it first).
        List<String> kinds = eventKinds(policy);
        assertThat(kinds).containsSubsequence("policy.saved", "policy.evaluated").doesNotContain("policy.pass");
        assertThat(kinds.stream().filter(k -> k.startsWith("policy.")).toList()).hasSizeLessThanOrEqualTo(3);
        JsonNode evaluated = get("/v1/events?kind=policy.evaluated&policy=" + policy).get("events").get(0);
        assertThat(evaluated.get("detail").get("passing").asInt()).isEqualTo(1);
        assertThat(evaluated.get("detail").get("failing").asInt()).isEqualTo(1);
        assertThat(summaryOf(policy).get("passing").asInt()).isEqualTo(1);
    }

    @Test
    void aMissingFactIsUnknownAndReportOnlyPoliciesNeverAct() {
        SimulatedDevice mac = mac(new AtomicBoolean(true));
        String serial = mac.facts().serialNumber();
        String policy = "recovery-lock-" + tag();
        // The simulated Mac's SecurityInfo has no IsRecoveryLockEnabled.
        AdminClient.Reply created = send("POST", "/v1/policies", "application/json", """
                {"name": "%s", "targets": {"hosts": ["%s"]}, "remediation": {"refetch": true}, "remediation_enabled": false,
                 "check": {"all": [{"fact": "security.recovery_lock_enabled", "eq": true}, {"fact": "host.platform", "eq": "macos"}]}}
                """.formatted(policy, serial));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        awaitResult(serial, policy, "unknown");
        assertThat(hostResult(serial, policy).get("reason").asText()).isEqualTo("security.recovery_lock_enabled is not known");
        assertThat(summaryOf(policy).get("unknown").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> eventKinds(policy).contains("policy.evaluated"));
        assertThat(eventKinds(policy)).containsSubsequence("policy.saved", "policy.evaluated").doesNotContain("policy.pass", "remediation.run");
    }

    /** The hosts list narrows to a policy's passing, failing or unknown hosts, the console's "policy result" filter. */
    @Test
    void theHostsListFiltersByPolicyResult() {
        SimulatedDevice on = mac(new AtomicBoolean(true));
        SimulatedDevice off = mac(new AtomicBoolean(false));
        SimulatedDevice other = mac(new AtomicBoolean(false));
        String policy = "fv-list-" + tag();
        String unknownPolicy = "rl-list-" + tag();
        AdminClient.Reply created = send("POST", "/v1/policies", "application/json", """
                {"name": "%s", "targets": {"hosts": ["%s", "%s"]}, "check": {"fact": "security.filevault_enabled", "eq": true}}
                """.formatted(policy, on.facts().serialNumber(), off.facts().serialNumber()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        created = send("POST", "/v1/policies", "application/json", """
                {"name": "%s", "targets": {"hosts": ["%s"]}, "check": {"fact": "security.recovery_lock_enabled", "eq": true}}
                """.formatted(unknownPolicy, other.facts().serialNumber()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        awaitResult(on.facts().serialNumber(), policy, "pass");
        awaitResult(off.facts().serialNumber(), policy, "fail");
        awaitResult(other.facts().serialNumber(), unknownPolicy, "unknown");

        assertThat(hostSerials("policy=" + policy + "&policy_result=pass")).containsExactly(on.facts().serialNumber());
        assertThat(hostSerials("policy=" + policy + "&policy_result=fail")).containsExactly(off.facts().serialNumber());
        assertThat(hostSerials("policy=" + policy + "&policy_result=unknown")).isEmpty();
        assertThat(hostSerials("policy=" + unknownPolicy + "&policy_result=unknown")).containsExactly(other.facts().serialNumber());
        assertThat(hostSerials("policy=" + policy)).containsExactlyInAnyOrder(on.facts().serialNumber(), off.facts().serialNumber());
        // Other filters still apply beside it.
        assertThat(hostSerials("policy=" + policy + "&policy_result=fail&platform=ios")).isEmpty();

        AdminClient.Reply bad = admin.send("GET", "/v1/hosts?policy=" + policy + "&policy_result=failed", null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).contains("pass, fail or unknown");
        bad = admin.send("GET", "/v1/hosts?policy_result=pass", null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).contains("policy=");
    }

    /** Serial numbers of every host the list answers for the query, following next_cursor. */
    List<String> hostSerials(String query) {
        List<String> out = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = get("/v1/hosts?limit=500&" + query + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("hosts").forEach(h -> out.add(h.get("serial_number").asText()));
            cursor = page.hasNonNull("next_cursor") ? page.get("next_cursor").asText() : null;
        } while (cursor != null);
        return out;
    }

    @Test
    void badDocumentsAreRefusedWithEveryProblemAndNothingIsStored() {
        String policy = "bad-" + tag();
        AdminClient.Reply r = send("POST", "/v1/policies", "application/yaml", """
                name: %s
                targets: {groups: [no-such-group-%s]}
                check:
                  all:
                    - {fact: device.os_version, gte: '15.2'}
                    - {fact: device.os_version, gte: 15.10}
                    - {fact: device.cpu, eq: 1}
                    - {fact: device.model, matches: '(a+)+$'}
                remediation: {install_profile: com.example.not-uploaded}
                """.formatted(policy, policy));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        List<String> paths = new ArrayList<>();
        r.json().get("problems").forEach(p -> paths.add(p.get("path").asText()));
        assertThat(paths).containsExactly("check.all[1].gte", "check.all[2].fact", "check.all[3].matches");
        assertThat(r.json().get("error").asText()).contains("check.all[1].gte: not a version").contains("known facts: device.os_version");
        assertThat(admin.send("GET", "/v1/policies/" + policy, null).status()).isEqualTo(404);

        // Once the document itself is sound, what only the server knows is checked: groups and profiles.
        AdminClient.Reply r2 = send("POST", "/v1/policies", "application/yaml", """
                name: %s
                targets: {groups: [no-such-group]}
                check: {fact: device.os_version, gte: '15.2'}
                remediation: {install_profile: com.example.not-uploaded}
                """.formatted(policy));
        assertThat(r2.status()).as(r2.body()).isEqualTo(400);
        assertThat(r2.body()).contains("targets.groups[0]").contains("unknown group no-such-group")
                .contains("remediation.install_profile");
        assertThat(send("POST", "/v1/policies", "application/yaml", "name: [unclosed").status()).isEqualTo(400);
        assertThat(send("POST", "/v1/policies", "application/json", "{\"name\": ").json().get("error").asText()).contains("not valid JSON");
        assertThat(admin.send("GET", "/v1/policies/" + policy, null).status()).isEqualTo(404);
        assertThat(get("/v1/events?policy=" + policy).get("events")).isEmpty();
    }

    @Test
    void namesAreUniqueAndPutKeepsHistory() {
        String policy = "os-" + tag();
        String v1 = "name: " + policy + "\ncheck: {fact: device.os_version, gte: '14'}\n";
        assertThat(send("POST", "/v1/policies", "application/yaml", v1).status()).isEqualTo(201);
        AdminClient.Reply again = send("POST", "/v1/policies", "application/yaml", v1);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("error").asText()).contains(policy);
        AdminClient.Reply put = send("PUT", "/v1/policies/" + policy, "application/yaml", "check: {fact: device.os_version, gte: '15.10'}\n");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().get("version").asInt()).isEqualTo(2);
        JsonNode shown = get("/v1/policies/" + policy);
        assertThat(shown.get("versions")).hasSize(2);
        assertThat(shown.get("document").get("check").get("gte").asText()).isEqualTo("15.10");
        assertThat(send("PUT", "/v1/policies/" + policy, "application/yaml", "name: other\ncheck: {fact: host.enrolled, eq: true}")
                .status()).isEqualTo(400);
        assertThat(get("/v1/policies").get("policies").toString()).contains(policy);
        assertThat(ok(admin.send("DELETE", "/v1/policies/" + policy, null)).get("deleted").asText()).isEqualTo(policy);
        assertThat(admin.send("GET", "/v1/policies/" + policy, null).status()).isEqualTo(404);
        assertThat(admin.send("DELETE", "/v1/policies/" + policy, null).status()).isEqualTo(404);
    }

    @Test
    void refetchAndCommandRemediationsQueueForTheFailingHostAndAreAudited() {
        SimulatedDevice mac = mac(new AtomicBoolean(false));
        String serial = mac.facts().serialNumber();
        String t = tag();
        String refetch = "fv-refetch-" + t;
        String command = "fv-command-" + t;
        assertThat(send("POST", "/v1/policies", "application/yaml", """
                name: %s
                targets: {hosts: [%s]}
                check: {fact: security.filevault_enabled, eq: true}
                remediation: {refetch: true}
                """.formatted(refetch, serial)).status()).isEqualTo(201);
        awaitResult(serial, refetch, "fail");
        await().atMost(Duration.ofSeconds(10)).until(() -> eventKinds(refetch).contains("remediation.run"));
        assertThat(types(mac.channel().poll())).contains("DeviceInformation", "SecurityInfo", "InstalledApplicationList");

        assertThat(send("POST", "/v1/policies", "application/json", """
                {"name": "%s", "targets": {"hosts": ["%s"]}, "check": {"fact": "security.filevault_enabled", "eq": true},
                 "remediation": {"command": {"request_type": "DeviceInformation", "queries": ["OSVersion"]}}}
                """.formatted(command, serial)).status()).isEqualTo(201);
        awaitResult(serial, command, "fail");
        await().atMost(Duration.ofSeconds(10)).until(() -> eventKinds(command).contains("remediation.run"));
        assertThat(types(mac.channel().poll())).contains("DeviceInformation");

        String audit = get("/v1/audit?host=" + serial).toString();
        assertThat(audit).contains("policy:" + refetch).contains("inventory.refetch").contains("policy:" + command);
        // A command the builder would refuse is refused when the policy is saved.
        AdminClient.Reply bad = send("POST", "/v1/policies", "application/yaml", """
                name: bad-command-%s
                check: {fact: security.filevault_enabled, eq: true}
                remediation: {command: {request_type: NoSuchRequest}}
                """.formatted(t));
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
        assertThat(bad.json().get("problems").get(0).get("path").asText()).isEqualTo("remediation.command");
    }
}
