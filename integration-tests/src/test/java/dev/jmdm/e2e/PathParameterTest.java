package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.SimulatedDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A query parameter never stands in for a path parameter: every templated admin route is called with its path
 * naming A and a query naming B under the same parameter names, and must act on A exactly as without the
 * query. Reads must answer as the plain path does (and differently from B's path, so the check has teeth);
 * writes must change A and leave B as it was. The walk is checked against the server's own route list, so a
 * route added later without a case here fails this test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PathParameterTest {
    private TestServer server;
    private AdminClient admin;
    private final TreeSet<String> walked = new TreeSet<>();

    private SimulatedDevice a;
    private SimulatedDevice b;
    private SimulatedDevice c;
    private final String profileA = "com.example.path-a." + UUID.randomUUID().toString().substring(0, 8);
    private final String profileB = "com.example.path-b." + UUID.randomUUID().toString().substring(0, 8);
    private final String groupA = "path-a-" + UUID.randomUUID().toString().substring(0, 8);
    private final String groupB = "path-b-" + UUID.randomUUID().toString().substring(0, 8);
    private final String adeA = "path-a-" + UUID.randomUUID().toString().substring(0, 8);
    private final String adeB = "path-b-" + UUID.randomUUID().toString().substring(0, 8);
    private String linkA;
    private String linkB;
    private String commandA;
    private String commandB;
    private final String policyA = "path-a-" + UUID.randomUUID().toString().substring(0, 8);
    private final String policyB = "path-b-" + UUID.randomUUID().toString().substring(0, 8);

    private DepStandIn apple;

    @BeforeAll
    void start() throws Exception {
        apple = new DepStandIn();
        server = new TestServer(TestDatabases.Engine.EMBEDDED, Files.createTempDirectory("jmdm-paths"),
                Map.of("MDM_PROFILE_SWEEP", "0", "MDM_PROFILE_LIST_EVERY", "0", "MDM_REPUSH_AFTER", "0",
                        "MDM_DEP_URL", apple.url().toString(), "MDM_DEP_SYNC", "0"));
        admin = server.admin;
        for (String identifier : List.of(profileA, profileB)) {
            ok(admin.send("POST", "/v1/profiles", dev.jmdm.sim.Profiles.withOnePayload(identifier,
                    UUID.randomUUID().toString().toUpperCase(), identifier, "com.apple.dock", 32)));
        }
        a = enrolledIphone();
        b = enrolledIphone();
        c = enrolledIphone();
        ok(send("PUT", "/v1/profiles/" + profileA + "/targets", "{\"hosts\": [\"" + a.udid() + "\"]}"));
        ok(send("PUT", "/v1/profiles/" + profileB + "/targets", "{\"hosts\": [\"" + b.udid() + "\"]}"));
        ok(send("PUT", "/v1/groups/" + groupA, "{\"hosts\": [\"" + a.udid() + "\"]}"));
        ok(send("PUT", "/v1/groups/" + groupB, "{\"hosts\": [\"" + b.udid() + "\"]}"));
        for (String ade : List.of(adeA, adeB)) {
            // An ADE profile as the DEP side stores it.
            server.jdbi().useHandle(h -> h.createUpdate("""
                    INSERT INTO dep_profiles (name, body, await_device_configured, is_default, created_at, updated_at)
                    VALUES (:n, '{}', TRUE, FALSE, 0, 0)""").bind("n", ade).execute());
        }
        ok(send("PUT", "/v1/dep/profiles/" + adeB + "/setup", "{\"steps\": [{\"profile\": \"" + profileB + "\"}]}"));
        linkA = ok(send("POST", "/v1/enrollment-links", "{\"note\": \"a\"}")).get("id").asText();
        linkB = ok(send("POST", "/v1/enrollment-links", "{\"note\": \"b\"}")).get("id").asText();
        commandA = enqueue(a);
        commandB = enqueue(b);
        for (var policy : Map.of(policyA, a, policyB, b).entrySet()) {
            ok(send("POST", "/v1/policies", policyJson(policy.getKey(), policy.getValue(), "exists")));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                    ok(admin.send("GET", "/v1/policies/" + policy.getKey(), null)).path("evaluation").path("status").asText().equals("done"));
        }
    }

    private static String policyJson(String name, SimulatedDevice target, String op) {
        return "{\"name\": \"" + name + "\", \"targets\": {\"hosts\": [\"" + target.udid() + "\"]},"
                + " \"check\": {\"fact\": \"device.os_version\", \"" + op + "\": true}}";
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (apple != null) {
            apple.close();
        }
    }

    /** Enrolled, its ProfileList and a full inventory answered (so every read route has something to show). */
    private SimulatedDevice enrolledIphone() {
        SimulatedDevice d = server.newIphone();
        d.enroll();
        d.channel().poll();
        ok(send("POST", "/v1/hosts/" + d.udid() + "/refetch?nopush=1", null));
        d.channel().poll();
        return d;
    }

    private String enqueue(SimulatedDevice d) {
        // Not a ProfileList: refresh queues one only when none is waiting, and its case must see it queued.
        Commands.Built cmd = Commands.of("CertificateList");
        assertThat(admin.enqueue(cmd.plist(), List.of(d.udid()), true).status()).isEqualTo(200);
        return cmd.commandUuid();
    }

    private AdminClient.Reply send(String method, String path, String json) {
        return admin.send(method, path, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode ok(AdminClient.Reply r) {
        assertThat(r.status()).as(r.body()).isBetween(200, 299);
        return r.json();
    }

    /** Status and body; ages in seconds are left out, they tick between two otherwise equal answers. */
    private String observe(String path) {
        AdminClient.Reply r = admin.send("GET", path, null);
        return r.status() + " " + r.body().replaceAll("\"[a-z_]*age_seconds\":\\d+", "");
    }

    /** A read: path naming A plus a query naming B answers as the path alone, which differs from B's answer. */
    private void read(String route, String pathA, String queryB, String pathB) {
        walked.add(route);
        String plain = observe(pathA);
        assertThat(observe(pathA + "?" + queryB)).as(route + " with ?" + queryB).isEqualTo(plain);
        assertThat(observe(pathB)).as(route + ": A and B must answer differently for this check to mean anything").isNotEqualTo(plain);
    }

    /** A write: path naming A plus a query naming B changes what observeA shows and leaves observeB as it was. */
    private void write(String route, String method, String pathA, String queryB, byte[] body, String observeA, String observeB) {
        walked.add(route);
        String beforeA = observe(observeA);
        String beforeB = observe(observeB);
        AdminClient.Reply r = admin.send(method, pathA + "?" + queryB, body);
        assertThat(r.status()).as(route + ": " + r.body()).isBetween(200, 299);
        assertThat(observe(observeB)).as(route + " must leave B alone").isEqualTo(beforeB);
        assertThat(observe(observeA)).as(route + " must act on A").isNotEqualTo(beforeA);
    }

    private void write(String route, String method, String pathA, String queryB, String json, String observeA, String observeB) {
        write(route, method, pathA, queryB, json == null ? null : json.getBytes(StandardCharsets.UTF_8), observeA, observeB);
    }

    private void queuing(String route, String pathA, String queryB, String json) {
        write(route, "POST", pathA, queryB, json, queue(a), queue(b));
    }

    private static String queue(SimulatedDevice d) {
        return "/v1/enrollments/" + d.udid() + "/queue";
    }

    @Test
    void everyTemplatedRouteReadsItsPathParametersFromThePathAlone() {
        String ha = "/v1/hosts/" + a.udid();
        String hb = "/v1/hosts/" + b.udid();
        String idB = "id=" + b.udid();
        read("GET /v1/hosts/{id}", ha, idB, hb);
        read("GET /v1/hosts/{id}/inventory", ha + "/inventory", idB, hb + "/inventory");
        read("GET /v1/hosts/{id}/inventory/{source}/raw", ha + "/inventory/device/raw", idB + "&source=security",
                hb + "/inventory/security/raw");
        read("GET /v1/hosts/{id}/apps", ha + "/apps", idB, hb + "/apps");
        read("GET /v1/hosts/{id}/certificates", ha + "/certificates", idB, hb + "/certificates");
        read("GET /v1/hosts/{id}/commands", ha + "/commands", idB, hb + "/commands");
        read("GET /v1/hosts/{id}/pins", ha + "/pins", idB, hb + "/pins");
        read("GET /v1/hosts/{id}/profiles", ha + "/profiles", idB, hb + "/profiles");
        read("GET /v1/enrollments/{id}/queue", queue(a), idB, queue(b));
        read("GET /v1/enrollments/{id}/certificate", "/v1/enrollments/" + a.udid() + "/certificate", idB,
                "/v1/enrollments/" + b.udid() + "/certificate");
        read("GET /v1/push/{ids}", "/v1/push/" + a.udid(), "ids=" + b.udid(), "/v1/push/" + b.udid());
        read("GET /v1/commands/{uuid}", "/v1/commands/" + commandA, "uuid=" + commandB, "/v1/commands/" + commandB);
        String pa = "/v1/profiles/" + profileA;
        String pb = "/v1/profiles/" + profileB;
        String identifierB = "identifier=" + profileB;
        read("GET /v1/profiles/{identifier}", pa, identifierB, pb);
        read("GET /v1/profiles/{identifier}/raw", pa + "/raw", identifierB, pb + "/raw");
        read("GET /v1/profiles/{identifier}/targets", pa + "/targets", identifierB, pb + "/targets");
        read("GET /v1/profiles/{identifier}/status", pa + "/status", identifierB, pb + "/status");
        read("GET /v1/groups/{name}", "/v1/groups/" + groupA, "name=" + groupB, "/v1/groups/" + groupB);
        read("GET /v1/enrollment-links/{id}", "/v1/enrollment-links/" + linkA, "id=" + linkB, "/v1/enrollment-links/" + linkB);
        String pola = "/v1/policies/" + policyA;
        String polb = "/v1/policies/" + policyB;
        read("GET /v1/policies/{name}", pola, "name=" + policyB, polb);
        read("GET /v1/policies/{name}/results", pola + "/results", "name=" + policyB, polb + "/results");
        read("GET /v1/hosts/{id}/policies", ha + "/policies", idB, hb + "/policies");

        String sa = "/v1/dep/profiles/" + adeA + "/setup";
        String sb = "/v1/dep/profiles/" + adeB + "/setup";
        read("GET /v1/dep/profiles/{name}/setup", sa, "name=" + adeB, sb);
        write("PUT /v1/dep/profiles/{name}/setup", "PUT", sa, "name=" + adeB, "{\"steps\": [{\"command\": {\"request_type\": \"ProfileList\"}}]}",
                sa, sb);

        write("PUT /v1/enqueue/{ids}", "PUT", "/v1/enqueue/" + a.udid(), "ids=" + b.udid() + "&nopush=1",
                Commands.of("CertificateList").plist(), queue(a), queue(b));
        queuing("POST /v1/hosts/{id}/refetch", ha + "/refetch", idB + "&nopush=1", null);
        queuing("POST /v1/hosts/{id}/refresh", ha + "/refresh", idB, null);
        queuing("POST /v1/hosts/{id}/lock", ha + "/lock", idB, "{}");
        queuing("POST /v1/hosts/{id}/restart", ha + "/restart", idB, "{}");
        queuing("POST /v1/hosts/{id}/clear-passcode", ha + "/clear-passcode", idB, "{}");
        queuing("POST /v1/hosts/{id}/wipe", ha + "/wipe", idB, "{\"confirm\": \"" + a.facts().serialNumber() + "\"}");
        write("DELETE /v1/enrollments/{id}/queue/{uuid}", "DELETE", queue(a) + "/" + commandA, idB + "&uuid=" + commandB,
                (String) null, "/v1/commands/" + commandA, "/v1/commands/" + commandB);
        write("PUT /v1/profiles/{identifier}/targets", "PUT", pa + "/targets", identifierB,
                "{\"hosts\": [\"" + c.udid() + "\"]}", pa + "/targets", pb + "/targets");
        write("PUT /v1/groups/{name}", "PUT", "/v1/groups/" + groupA, "name=" + groupB, "{\"hosts\": [\"" + c.udid() + "\"]}",
                "/v1/groups/" + groupA, "/v1/groups/" + groupB);
        String certA = "/v1/enrollments/" + a.udid() + "/certificate";
        String certB = "/v1/enrollments/" + b.udid() + "/certificate";
        write("POST /v1/enrollments/{id}/certificate/renewal", "POST", certA + "/renewal", idB, (String) null, certA, certB);
        write("DELETE /v1/enrollments/{id}/certificate", "DELETE", certA, idB, (String) null, certA, certB);
        write("DELETE /v1/hosts/{id}", "DELETE", "/v1/hosts/" + c.udid(), idB, (String) null, "/v1/hosts/" + c.udid(), hb);
        write("DELETE /v1/profiles/{identifier}", "DELETE", pa, identifierB, (String) null, pa, pb);
        write("DELETE /v1/groups/{name}", "DELETE", "/v1/groups/" + groupA, "name=" + groupB, (String) null,
                "/v1/groups/" + groupA, "/v1/groups/" + groupB);
        write("PUT /v1/policies/{name}", "PUT", pola, "name=" + policyB, policyJson(policyA, a, "exists"), pola, polb);
        write("DELETE /v1/policies/{name}", "DELETE", pola, "name=" + policyB, (String) null, pola, polb);
        write("DELETE /v1/enrollment-links/{id}", "DELETE", "/v1/enrollment-links/" + linkA, "id=" + linkB, (String) null,
                "/v1/enrollment-links/" + linkA, "/v1/enrollment-links/" + linkB);

        // ADE: tokens A and B (the same ABM account twice), ADE profiles A, B and C, one device ABM assigned
        java.security.cert.X509Certificate depCert;
        try {
            depCert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(admin.send("GET", "/v1/dep/certificate", null).body()
                            .getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalStateException(e);
        }
        String serial = "PATHDEP" + UUID.randomUUID().toString().substring(0, 5).toUpperCase();
        apple.devices(List.of(DepStandIn.device(serial, "iPad Air", "BLUE", "an iPad", "iPad")), 100);
        for (String t : List.of("path-a", "path-b")) {
            assertThat(admin.send("PUT", "/v1/dep/tokens/" + t, DepStandIn.tokenFile(depCert)).status()).isEqualTo(200);
        }
        for (String p : List.of("path-a", "path-b", "path-c")) {
            ok(send("PUT", "/v1/dep/profiles/" + p, "{\"profile_name\": \"" + p + "\"}"));
        }
        String ta = "/v1/dep/tokens/path-a";
        String tb = "/v1/dep/tokens/path-b";
        String da = "/v1/dep/profiles/path-a";
        String db = "/v1/dep/profiles/path-b";
        read("GET /v1/dep/tokens/{name}", ta, "name=path-b", tb);
        read("GET /v1/dep/profiles/{name}", da, "name=path-b", db);
        write("POST /v1/dep/tokens/{name}/sync", "POST", ta + "/sync", "name=path-b", (String) null, ta, tb);
        write("PUT /v1/dep/tokens/{name}", "PUT", ta, "name=path-b", DepStandIn.tokenFile(depCert), ta, tb);
        write("PUT /v1/dep/profiles/{name}", "PUT", da, "name=path-b", "{\"profile_name\": \"changed\"}", da, db);
        write("PUT /v1/dep/profiles/{name}/devices", "PUT", "/v1/dep/profiles/path-c/devices", "name=path-b",
                "{\"serials\": [\"" + serial + "\"]}", "/v1/dep/devices?token=path-a", db);
        write("DELETE /v1/dep/profiles/{name}", "DELETE", da, "name=path-b", (String) null, da, db);
        write("DELETE /v1/dep/tokens/{name}", "DELETE", ta, "name=path-b", (String) null, ta, tb);

        // users: A and B, each signed in once
        String[] users = new String[2];
        for (int i = 0; i < 2; i++) {
            String email = "path-" + i + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            users[i] = "/v1/users/" + ok(send("POST", "/v1/users", "{\"email\": \"" + email
                    + "\", \"role\": \"viewer\", \"password\": \"a long enough password\"}")).get("id").asText();
            assertThat(new Browser(server.http, server.baseUri()).signIn(email, "a long enough password").status()).isEqualTo(200);
        }
        String userB = "id=" + users[1].substring("/v1/users/".length());
        read("GET /v1/users/{id}", users[0], userB, users[1]);
        write("PATCH /v1/users/{id}", "PATCH", users[0], userB, "{\"role\": \"operator\"}", users[0], users[1]);
        write("DELETE /v1/users/{id}/sessions", "DELETE", users[0] + "/sessions", userB, (String) null, users[0], users[1]);
        write("DELETE /v1/users/{id}", "DELETE", users[0], userB, (String) null, users[0], users[1]);

        TreeSet<String> templated = new TreeSet<>(server.adminRoutes().stream().filter(r -> r.contains("{")).toList());
        assertThat(walked).as("every templated route is walked").isEqualTo(templated);
    }
}
