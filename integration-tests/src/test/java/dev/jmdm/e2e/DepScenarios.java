package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.server.dep.AssignedDevices;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.DeviceFacts;
import dev.jmdm.sim.SimulatedDevice;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Apple Business Manager's side of Automated Device Enrollment against a stand-in DEP API: the token key pair and
 * token import (a real S/MIME .p7m), the OAuth-signed session, a full fetch across pages, incremental syncs, disowned
 * devices, ADE profiles defined and assigned, and the DEP API's errors (401 → new session, 429 with Retry-After, 5xx,
 * MALFORMED_CURSOR → full fetch). The tests run in order on one server: each sync builds on what the last one stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DepScenarios {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Serials of this run, so hosts of other scenarios never match. */
    private static final String P = "DEP" + Long.toString(System.nanoTime() % 1_000_000, 36).toUpperCase();

    DepStandIn apple;
    TestServer server;
    AdminClient admin;
    String lastCursor;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void start() throws Exception {
        apple = new DepStandIn();
        server = new TestServer(engine(), Files.createTempDirectory("jmdm-dep"),
                Map.of("MDM_DEP_URL", apple.url().toString(), "MDM_DEP_SYNC", "0", "MDM_PUBLIC_URL", "https://mdm.example.org"));
        admin = server.admin;
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

    static String s(int i) {
        return P + String.format("%03d", i);
    }

    static ObjectNode mac(int i) {
        return DepStandIn.device(s(i), "MacBook Air", "MIDNIGHT", "MBA 13\" M3 16GB", "Mac");
    }

    static ObjectNode ipad(int i) {
        return DepStandIn.device(s(i), "iPad Air", "BLUE", "IPAD AIR 11 WI-FI 128GB", "iPad");
    }

    X509Certificate certificate() throws Exception {
        AdminClient.Reply r = admin.send("GET", "/v1/dep/certificate", null);
        assertThat(r.status()).isEqualTo(200);
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(r.body().getBytes(StandardCharsets.US_ASCII)));
    }

    JsonNode ok(AdminClient.Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    JsonNode sync(String token) {
        return ok(admin.send("POST", "/v1/dep/tokens/" + token + "/sync", null));
    }

    AssignedDevices assigned() {
        return server.server().dep().assignedDevices();
    }

    Set<String> pendingHosts() {
        Set<String> out = new TreeSet<>();
        for (JsonNode h : ok(admin.send("GET", "/v1/hosts?status=pending&limit=500&q=" + P, null)).get("hosts")) {
            out.add(h.get("serial_number").asText());
        }
        return out;
    }

    @Test
    @Order(1)
    void theCertificateIsMadeOnceAndTheTokenImportsFromAnSmimeFile() throws Exception {
        X509Certificate cert = certificate();
        assertThat(certificate()).isEqualTo(cert);
        String sealedKey = server.queryString("SELECT private_key FROM dep_server_key");
        assertThat(sealedKey).startsWith("sealed:v2:").doesNotContain("PRIVATE KEY");

        JsonNode token = ok(admin.send("PUT", "/v1/dep/token", DepStandIn.tokenFile(cert)));
        assertThat(token.get("name").asText()).isEqualTo("default");
        assertThat(token.get("access_token_expiry").asText()).isEqualTo(DepStandIn.EXPIRY);

        AdminClient.Reply list = admin.send("GET", "/v1/dep/tokens", null);
        assertThat(ok(list).get("tokens")).hasSize(1);
        assertThat(list.body()).doesNotContain(DepStandIn.CONSUMER_SECRET).doesNotContain(DepStandIn.ACCESS_SECRET)
                .doesNotContain(DepStandIn.ACCESS_TOKEN);
        String stored = server.queryString("SELECT secrets FROM dep_tokens WHERE name = 'default'");
        assertThat(stored).startsWith("sealed:v2:").doesNotContain(DepStandIn.CONSUMER_SECRET);
    }

    @Test
    @Order(2)
    void badTokenFilesAreRefusedSayingWhy() throws Exception {
        X509Certificate cert = certificate();
        assertThat(refusal(admin.send("PUT", "/v1/dep/tokens/bad", "hello".getBytes(StandardCharsets.US_ASCII))))
                .contains("S/MIME");
        assertThat(refusal(admin.send("PUT", "/v1/dep/tokens/bad", new byte[0]))).contains("empty");
        X509Certificate other = CertificateAuthority.createRoot("another key", Duration.ofDays(1)).certificate();
        assertThat(refusal(admin.send("PUT", "/v1/dep/tokens/bad", DepStandIn.tokenFile(other))))
                .contains("another key").contains("/v1/dep/certificate");
        assertThat(refusal(admin.send("PUT", "/v1/dep/tokens/bad", DepStandIn.smime("just text", cert)))).contains("BEGIN MESSAGE");
        String noSecret = DepStandIn.message(DepStandIn.CONSUMER_KEY, DepStandIn.CONSUMER_SECRET, DepStandIn.ACCESS_TOKEN, null, null);
        assertThat(refusal(admin.send("PUT", "/v1/dep/tokens/bad", DepStandIn.smime(noSecret, cert)))).contains("access_secret");
        assertThat(refusal(admin.send("PUT", "/v1/dep/tokens/no%20spaces", DepStandIn.tokenFile(cert)))).contains("names");
        assertThat(ok(admin.send("GET", "/v1/dep/tokens", null)).get("tokens")).hasSize(1);
    }

    private static String refusal(AdminClient.Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        return r.json().get("error").asText();
    }

    @Test
    @Order(3)
    void aFullFetchAcrossPagesMakesPendingHostsAndAssignsTheDefaultProfile() throws Exception {
        JsonNode profile = ok(admin.send("PUT", "/v1/dep/profiles/standard", """
                {"profile_name": "Example School", "default": true, "is_supervised": true, "is_mandatory": true,
                 "await_device_configured": true, "department": "IT", "support_phone_number": "+1 555 0100",
                 "skip_setup_items": ["Location", "Privacy", "Siri"]}""".getBytes(StandardCharsets.UTF_8)));
        assertThat(profile.get("is_default").asBoolean()).isTrue();
        assertThat(profile.at("/profile/url").asText()).isEqualTo("https://mdm.example.org/mdm/enroll");
        String uuid = profile.at("/profile_uuids/default").asText();
        assertThat(uuid).isNotEmpty();
        List<LoggedRequest> defined = apple.requests(RequestMethod.POST, "/profile");
        assertThat(defined).hasSize(1);
        JsonNode sent = JSON.readTree(defined.get(0).getBodyAsString());
        assertThat(sent.get("profile_name").asText()).isEqualTo("Example School");
        assertThat(sent.get("url").asText()).isEqualTo("https://mdm.example.org/mdm/enroll");
        assertThat(sent.get("await_device_configured").asBoolean()).isTrue();
        assertThat(sent.has("default")).isFalse();

        List<ObjectNode> devices = List.of(mac(1), mac(2), ipad(3), ipad(4), mac(5));
        lastCursor = apple.devices(devices, 2);
        JsonNode result = sync("default");
        assertThat(result.get("full_fetch").asBoolean()).isTrue();
        assertThat(result.get("devices_listed").asInt()).isEqualTo(5);
        assertThat(result.get("new_devices").asInt()).isEqualTo(5);
        assertThat(result.get("profiles_assigned").asInt()).isEqualTo(5);

        List<LoggedRequest> sessions = apple.requests(RequestMethod.GET, "/session");
        assertThat(sessions).as("one for the profile's definition, one for the sync").hasSize(2);
        for (LoggedRequest session : sessions) {
            assertThat(apple.oauthValid(session)).as(session.getHeader("Authorization")).isTrue();
        }
        List<LoggedRequest> pages = apple.requests(RequestMethod.POST, "/server/devices");
        assertThat(pages).hasSize(3);
        assertThat(pages.get(1).getBodyAsString()).contains("fetch-");
        List<LoggedRequest> assigns = apple.requests(RequestMethod.PUT, "/profile/devices");
        assertThat(assigns).hasSize(1);
        JsonNode assignBody = JSON.readTree(assigns.get(0).getBodyAsString());
        assertThat(assignBody.get("profile_uuid").asText()).isEqualTo(uuid);
        assertThat(assignBody.get("devices")).hasSize(5);

        assertThat(pendingHosts()).containsExactlyInAnyOrder(s(1), s(2), s(3), s(4), s(5));
        JsonNode host = ok(admin.send("GET", "/v1/hosts?status=pending&q=" + s(3), null)).get("hosts").get(0);
        assertThat(host.get("status").asText()).isEqualTo("pending");
        JsonNode ade = host.get("ade");
        assertThat(ade.get("model").asText()).isEqualTo("iPad Air");
        assertThat(ade.get("color").asText()).isEqualTo("BLUE");
        assertThat(ade.get("description").asText()).isEqualTo("IPAD AIR 11 WI-FI 128GB");
        assertThat(ade.get("device_family").asText()).isEqualTo("iPad");
        assertThat(ade.get("assigned_at").asText()).isEqualTo("2026-11-02T10:15:30Z");
        assertThat(ade.get("profile").asText()).isEqualTo("standard");
        assertThat(ade.get("token").asText()).isEqualTo("default");
        assertThat(ade.has("disowned_at")).isFalse();
        var a = assigned().bySerial(s(3)).orElseThrow();
        assertThat(a.tokenName()).isEqualTo("default");
        assertThat(a.profileName()).isEqualTo("standard");
        assertThat(a.awaitDeviceConfigured()).isTrue();

        JsonNode token = ok(admin.send("GET", "/v1/dep/tokens/default", null));
        assertThat(token.get("server_name").asText()).isEqualTo(DepStandIn.SERVER_NAME);
        assertThat(token.get("org_name").asText()).isEqualTo(DepStandIn.ORG_NAME);
        assertThat(token.get("last_sync_at")).isNotNull();
        assertThat(token.get("cursor").asBoolean()).isTrue();
        assertThat(token.has("last_sync_error")).isFalse();

        JsonNode listed = ok(admin.send("GET", "/v1/dep/devices?token=default&limit=2", null));
        assertThat(listed.get("devices")).hasSize(2);
        assertThat(listed.get("devices").get(0).get("color").asText()).isEqualTo("MIDNIGHT");
        assertThat(listed.get("devices").get(0).get("assigned_at").asText()).isEqualTo("2026-11-02T10:15:30Z");
        assertThat(listed.get("next_cursor").asText()).isEqualTo(s(2));
    }

    @Test
    @Order(4)
    void aSyncFromTheCursorAppliesChangesAndDisownedDevicesLeaveThePendingList() throws Exception {
        apple.wm.resetRequests();
        ObjectNode renamed = mac(1).put("description", "renamed in ABM");
        apple.changes(lastCursor, List.of(DepStandIn.change(renamed, "modified"), DepStandIn.change(mac(2), "deleted"),
                DepStandIn.change(ipad(6), "added")), "sync-1");
        JsonNode result = sync("default");
        assertThat(result.get("full_fetch").asBoolean()).isFalse();
        assertThat(result.get("new_devices").asInt()).isEqualTo(1);
        assertThat(result.get("disowned").asInt()).isEqualTo(1);
        assertThat(result.get("profiles_assigned").asInt()).isEqualTo(1);
        assertThat(apple.requests(RequestMethod.POST, "/server/devices")).isEmpty();
        assertThat(apple.requests(RequestMethod.POST, "/profile")).as("the profile is defined already").isEmpty();

        assertThat(assigned().bySerial(s(2))).isEmpty();
        assertThat(assigned().bySerial(s(6))).isPresent();
        assertThat(pendingHosts()).containsExactlyInAnyOrder(s(1), s(3), s(4), s(5), s(6));
        assertThat(server.queryString("SELECT description FROM dep_devices WHERE serial_number = ?", s(1))).isEqualTo("renamed in ABM");
        assertThat(server.queryString("SELECT CAST(disowned_at AS CHAR) FROM dep_devices WHERE serial_number = ?", s(2))).isNotNull();
        lastCursor = "sync-1";
    }

    @Test
    @Order(5)
    void aMalformedCursorStartsAFullFetchWhichDisownsWhatItNoLongerLists() {
        apple.wm.resetRequests();
        apple.refuseCursor(lastCursor, "MALFORMED_CURSOR");
        lastCursor = apple.devices(List.of(mac(1), ipad(3), ipad(4), ipad(6)), 3);
        JsonNode result = sync("default");
        assertThat(result.get("full_fetch").asBoolean()).isTrue();
        assertThat(result.get("devices_listed").asInt()).isEqualTo(4);
        assertThat(result.get("disowned").asInt()).as("s5 was not listed").isEqualTo(1);
        assertThat(apple.requests(RequestMethod.POST, "/devices/sync")).hasSize(1);
        assertThat(apple.requests(RequestMethod.POST, "/server/devices")).hasSize(2);
        assertThat(pendingHosts()).containsExactlyInAnyOrder(s(1), s(3), s(4), s(6));
    }

    @Test
    @Order(6)
    void anExpiredSessionIsRenewedOnceAndTheCallRepeated() {
        apple.wm.resetRequests();
        apple.changes(lastCursor, List.of(), "sync-2");
        apple.failFirst(RequestMethod.GET, "/account", List.of(DepStandIn.error(401, "UNAUTHORIZED")));
        apple.failFirst(RequestMethod.POST, "/devices/sync", List.of(DepStandIn.error(403, "EXPIRED")));
        sync("default");
        assertThat(apple.requests(RequestMethod.GET, "/session")).hasSize(3);
        assertThat(apple.requests(RequestMethod.GET, "/account")).hasSize(2);
        assertThat(apple.requests(RequestMethod.POST, "/devices/sync")).hasSize(2);
        lastCursor = "sync-2";
    }

    @Test
    @Order(7)
    void rateLimitsAndServerErrorsAreRetriedHonouringRetryAfter() {
        apple.wm.resetRequests();
        apple.changes(lastCursor, List.of(DepStandIn.change(mac(7), "added")), "sync-3");
        apple.failFirst(RequestMethod.POST, "/devices/sync", List.of(
                DepStandIn.error(429, "TOO_MANY_REQUESTS").withHeader("Retry-After", "2"), DepStandIn.error(503, "SERVICE_UNAVAILABLE")));
        long started = System.nanoTime();
        JsonNode result = sync("default");
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(result.get("new_devices").asInt()).isEqualTo(1);
        assertThat(apple.requests(RequestMethod.POST, "/devices/sync")).hasSize(3);
        assertThat(tookMs).as("waited the 2 s Retry-After").isGreaterThanOrEqualTo(2000);
        lastCursor = "sync-3";
    }

    @Test
    @Order(8)
    void anApiThatKeepsFailingEndsTheSyncWithItsErrorAndKeepsTheCursor() {
        apple.wm.resetRequests();
        apple.failFirst(RequestMethod.POST, "/devices/sync", List.of(DepStandIn.error(400, "INVALID_REQUEST")));
        AdminClient.Reply r = admin.send("POST", "/v1/dep/tokens/default/sync", null);
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().get("error").asText()).contains("400").contains("INVALID_REQUEST");
        JsonNode token = ok(admin.send("GET", "/v1/dep/tokens/default", null));
        assertThat(token.get("last_sync_error").asText()).contains("INVALID_REQUEST");
        assertThat(server.queryString("SELECT cursor_value FROM dep_tokens WHERE name = 'default'")).isEqualTo(lastCursor);
        apple.changes(lastCursor, List.of(), "sync-4");
        sync("default");
        lastCursor = "sync-4";
    }

    @Test
    @Order(9)
    void profilesAreAssignedBySerialAndADeviceNotAssignedHereIsSaidSo() throws Exception {
        apple.wm.resetRequests();
        JsonNode profile = ok(admin.send("PUT", "/v1/dep/profiles/labs", """
                {"profile_name": "Labs", "is_supervised": true}""".getBytes(StandardCharsets.UTF_8)));
        assertThat(profile.get("is_default").asBoolean()).isFalse();
        AdminClient.Reply r = admin.send("PUT", "/v1/dep/profiles/labs/devices",
                ("{\"serials\": [\"" + s(4) + "\", \"NOT-OURS\"]}").getBytes(StandardCharsets.UTF_8));
        JsonNode outcome = ok(r).get("devices");
        assertThat(outcome.get(s(4)).asText()).isEqualTo("SUCCESS");
        assertThat(outcome.get("NOT-OURS").asText()).isEqualTo("NOT_ASSIGNED_HERE");
        var a = assigned().bySerial(s(4)).orElseThrow();
        assertThat(a.profileName()).isEqualTo("labs");
        assertThat(a.awaitDeviceConfigured()).isFalse();
        JsonNode sent = JSON.readTree(apple.requests(RequestMethod.PUT, "/profile/devices").get(0).getBodyAsString());
        assertThat(sent.get("devices")).hasSize(1);

        AdminClient.Reply inUse = admin.send("DELETE", "/v1/dep/profiles/labs", null);
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(ok(admin.send("GET", "/v1/dep/profiles", null)).get("profiles")).hasSize(2);
        AdminClient.Reply bad = admin.send("PUT", "/v1/dep/profiles/x", "{\"profile_name\": \"x\", \"is_supervised\": \"yes\"}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).contains("is_supervised");
        AdminClient.Reply unknown = admin.send("PUT", "/v1/dep/profiles/x", "{\"profile_name\": \"x\", \"colour\": 1}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(unknown.json().get("error").asText()).contains("colour");
    }

    @Test
    @Order(10)
    void oneSyncPerTokenAtATimeAndSeveralTokens() throws Exception {
        server.sql("UPDATE dep_tokens SET sync_owner = 'another server', sync_until = ? WHERE name = 'default'",
                System.currentTimeMillis() + 60_000);
        AdminClient.Reply busy = admin.send("POST", "/v1/dep/tokens/default/sync", null);
        assertThat(busy.status()).isEqualTo(409);
        server.sql("UPDATE dep_tokens SET sync_until = ? WHERE name = 'default'", System.currentTimeMillis() - 1);
        apple.changes(lastCursor, List.of(), "sync-5");
        sync("default");

        ok(admin.send("PUT", "/v1/dep/tokens/school", DepStandIn.tokenFile(certificate())));
        List<String> names = new ArrayList<>();
        ok(admin.send("GET", "/v1/dep/tokens", null)).get("tokens").forEach(t -> names.add(t.get("name").asText()));
        assertThat(names).containsExactly("default", "school");
        assertThat(admin.send("DELETE", "/v1/dep/tokens/school", null).status()).isEqualTo(204);
        assertThat(admin.send("POST", "/v1/dep/tokens/school/sync", null).status()).isEqualTo(404);
        lastCursor = "sync-5";
    }

    @Test
    @Order(11)
    void aHostThatEnrolledStaysWhenAbmDisownsItAndSaysSo() throws Exception {
        DeviceFacts generated = DeviceFacts.generate(DeviceFacts.Platform.MACOS, java.util.UUID.randomUUID().toString().toUpperCase());
        DeviceFacts facts = new DeviceFacts(generated.platform(), generated.udid(), s(1), generated.productName(), generated.model(),
                generated.osVersion(), generated.buildVersion(), generated.deviceName());
        SimulatedDevice mac = new SimulatedDevice(server.transport, server.identity("ade mac"), facts, TestServer.TOPIC, null);
        mac.enroll();
        assertThat(ok(admin.send("GET", "/v1/hosts/" + s(1), null)).get("status").asText()).isEqualTo("enrolled");

        apple.changes(lastCursor, List.of(DepStandIn.change(mac(1), "deleted")), "sync-6");
        assertThat(sync("default").get("disowned").asInt()).isEqualTo(1);
        JsonNode host = ok(admin.send("GET", "/v1/hosts/" + s(1), null));
        assertThat(host.get("status").asText()).isEqualTo("enrolled");
        assertThat(host.at("/ade/disowned_at").asText()).isNotEmpty();
        assertThat(assigned().bySerial(s(1))).isEmpty();
    }
}
