package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.certsdev.DevStack;
import dev.jmdm.certsdev.LoadedStack;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Answer;
import dev.jmdm.sim.DeviceState;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.MockApns;
import dev.jmdm.sim.SimulatedDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Configuration profiles end to end: the store, targets, the reconciler and every edge the issue lists,
 * with simulated devices that keep the profiles they install and answer ProfileList truthfully. The
 * tests share one server, so each targets its own hosts through groups and host lists (never "all") and
 * makes reconciliation deterministic with {@code POST /v1/profiles/reconcile}. Assertions go through the
 * status API and the devices' own state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProfileScenarios {
    TestServer server;
    AdminClient admin;
    LoadedStack pushStack;
    MockApns apns;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void startServer() throws Exception {
        Path dir = Files.createTempDirectory("jmdm-profiles");
        // A stand-in APNs: devices routed to it are woken by the pushes that follow the reconciler's work.
        DevStack.init(dir.resolve("pki"));
        pushStack = DevStack.load(dir.resolve("pki"));
        apns = new MockApns(pushStack.apnsServer(), pushStack.pushCa().certificate());
        // No periodic work during the tests: every reconciliation is asked for or triggered by a change.
        server = new TestServer(engine(), dir, Map.of("MDM_PROFILE_SWEEP", "0", "MDM_PROFILE_LIST_EVERY", "0",
                "MDM_APNS_URL", apns.url(), "MDM_APNS_CA", pushStack.files().caCert().toString(), "MDM_REPUSH_AFTER", "0",
                "MDM_SECRET_KEY", "test-secret-key-0123456789"));
        admin = server.admin;
        AdminClient.Reply cert = admin.send("PUT", "/v1/pushcert", (Files.readString(pushStack.files().pushCert())
                + Files.readString(pushStack.files().pushKey())).getBytes(StandardCharsets.UTF_8));
        assertThat(cert.status()).as(cert.body()).isEqualTo(200);
        // A server with no profiles at all sends no ProfileList; with one stored (even untargeted) every
        // enrollment is asked what it holds, which is what these scenarios start from.
        upload(profile(newIdentifier("untargeted"), newUuid(), 16));
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
        if (apns != null) {
            apns.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    static String newUuid() {
        return UUID.randomUUID().toString().toUpperCase();
    }

    static String newGroupName() {
        return "g-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String newIdentifier(String what) {
        return "com.example." + what + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A small valid profile: one Dock payload whose tile size tells versions apart. */
    static byte[] profile(String identifier, String uuid, int tileSize) {
        return profile(identifier, uuid, identifier + " settings", "com.apple.dock", tileSize);
    }

    static byte[] profile(String identifier, String uuid, String displayName, String payloadType, int tileSize) {
        return dev.jmdm.sim.Profiles.withOnePayload(identifier, uuid, displayName, payloadType, tileSize);
    }

    /** Uploads and returns the answer's uuid. */
    String upload(byte[] body) {
        AdminClient.Reply r = admin.send("POST", "/v1/profiles", body);
        assertThat(r.status()).as(r.body()).isIn(200, 201);
        return r.json().get("uuid").asText();
    }

    void targetHosts(String identifier, SimulatedDevice... devices) {
        StringBuilder hosts = new StringBuilder();
        for (SimulatedDevice d : devices) {
            hosts.append(hosts.length() == 0 ? "" : ",").append('"').append(d.udid()).append('"');
        }
        AdminClient.Reply r = admin.send("PUT", "/v1/profiles/" + identifier + "/targets",
                ("{\"hosts\": [" + hosts + "]}").getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** PUT /v1/profiles/{identifier}/targets with a JSON body; must succeed. */
    void targets(String identifier, String json) {
        AdminClient.Reply r = admin.send("PUT", "/v1/profiles/" + identifier + "/targets", json.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** Nothing is queued for the device, and neither it nor the server has the profile. */
    void assertHasNothingOf(SimulatedDevice d, String identifier) {
        assertThat(d.channel().poll()).isEmpty();
        assertThat(d.state().profiles()).doesNotContainKey(identifier);
        assertThat(hostProfiles(d)).doesNotContainKey(identifier);
    }

    void group(String name, SimulatedDevice... devices) {
        StringBuilder hosts = new StringBuilder();
        for (SimulatedDevice d : devices) {
            hosts.append(hosts.length() == 0 ? "" : ",").append('"').append(d.facts().serialNumber()).append('"');
        }
        AdminClient.Reply r = admin.send("PUT", "/v1/groups/" + name, ("{\"hosts\": [" + hosts + "]}").getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    void reconcile() {
        AdminClient.Reply r = admin.send("POST", "/v1/profiles/reconcile", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** The host's profiles by identifier, from GET /v1/hosts/{udid}/profiles. */
    Map<String, JsonNode> hostProfiles(SimulatedDevice d) {
        AdminClient.Reply r = admin.send("GET", "/v1/hosts/" + d.udid() + "/profiles", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Map<String, JsonNode> out = new java.util.TreeMap<>();
        r.json().get("profiles").forEach(p -> out.put(p.get("identifier").asText(), p));
        return out;
    }

    JsonNode status(String identifier) {
        AdminClient.Reply r = admin.send("GET", "/v1/profiles/" + identifier + "/status", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static List<String> types(List<HandledCommand> handled) {
        return handled.stream().map(HandledCommand::requestType).toList();
    }

    /** Enrolled, with the enrollment's ProfileList already answered. */
    SimulatedDevice enrolledMac() {
        SimulatedDevice d = server.newMac();
        d.enroll();
        assertThat(types(d.channel().poll())).containsExactly("ProfileList");
        return d;
    }

    /** A device with the profile installed and verified. */
    String installed(SimulatedDevice d, String identifier) {
        String uuid = upload(profile(identifier, newUuid(), 32));
        targetHosts(identifier, d);
        reconcile();
        assertThat(types(d.channel().poll())).containsExactly("InstallProfile", "ProfileList");
        assertThat(hostProfiles(d).get(identifier).get("status").asText()).isEqualTo("verified");
        return uuid;
    }

    // ---- the store -----------------------------------------------------------------------------------

    @Test
    void uploadVersionsAndReadsProfiles() {
        String id = newIdentifier("store");
        String uuid1 = newUuid();
        byte[] v1 = profile(id, uuid1, 32);
        AdminClient.Reply created = admin.send("POST", "/v1/profiles", v1);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("identifier").asText()).isEqualTo(id);
        assertThat(created.json().get("uuid").asText()).isEqualTo(uuid1);
        assertThat(created.json().get("version").asInt()).isEqualTo(1);

        AdminClient.Reply again = admin.send("POST", "/v1/profiles", v1);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("version").asInt()).isEqualTo(1);
        assertThat(again.json().get("outcome").asText()).isEqualTo("unchanged");

        // An edit that keeps the PayloadUUID gets a new one from the server.
        AdminClient.Reply reused = admin.send("POST", "/v1/profiles", profile(id, uuid1, 48));
        assertThat(reused.status()).isEqualTo(200);
        assertThat(reused.json().get("version").asInt()).isEqualTo(2);
        assertThat(reused.json().get("uuid").asText()).isNotEqualTo(uuid1);
        assertThat(reused.json().get("uuid_rewritten").asBoolean()).isTrue();

        String uuid3 = newUuid();
        AdminClient.Reply edited = admin.send("POST", "/v1/profiles", profile(id, uuid3, 64));
        assertThat(edited.json().get("version").asInt()).isEqualTo(3);
        assertThat(edited.json().get("uuid").asText()).isEqualTo(uuid3);

        AdminClient.Reply one = admin.send("GET", "/v1/profiles/" + id, null);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("version").asInt()).isEqualTo(3);
        assertThat(one.json().get("versions")).hasSize(3);
        assertThat(one.json().get("payloads").get(0).get("type").asText()).isEqualTo("com.apple.dock");
        assertThat(admin.send("GET", "/v1/profiles", null).body()).contains(id);
        AdminClient.Reply raw = admin.send("GET", "/v1/profiles/" + id + "/raw", null);
        assertThat(raw.body()).contains(uuid3);

        // Refusals name the problem.
        AdminClient.Reply bad = admin.send("POST", "/v1/profiles", "<plist><dict></dict></plist>".getBytes(StandardCharsets.UTF_8));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).contains("PayloadType");
        AdminClient.Reply reserved = admin.send("POST", "/v1/profiles",
                profile(newIdentifier("mdm"), newUuid(), "Second MDM", "com.apple.mdm", 1));
        assertThat(reserved.status()).isEqualTo(400);
        assertThat(reserved.json().get("error").asText()).contains("com.apple.mdm");
        AdminClient.Reply sameName = admin.send("POST", "/v1/profiles",
                profile(newIdentifier("other"), newUuid(), id + " settings", "com.apple.dock", 1));
        assertThat(sameName.status()).isEqualTo(400);
        assertThat(sameName.json().get("error").asText()).contains("PayloadDisplayName");

        assertThat(admin.send("DELETE", "/v1/profiles/" + id, null).status()).isEqualTo(204);
        assertThat(admin.send("GET", "/v1/profiles/" + id, null).status()).isEqualTo(404);
    }

    @Test
    void uploadsThatCannotBeStoredOrAddressedAreRefusedNamingTheField() {
        String id = newIdentifier("fits");
        String uuid = upload(profile(id, newUuid(), 32));
        String longId = "com.example." + "x".repeat(244);
        Map<String, byte[]> refused = new java.util.LinkedHashMap<>();
        refused.put("PayloadIdentifier is 256", profile(longId, newUuid(), 1));
        refused.put("PayloadUUID is 128", profile(newIdentifier("uuid"), "U".repeat(128), 1));
        refused.put("PayloadDisplayName is 256", profile(newIdentifier("name"), newUuid(), "N".repeat(256), "com.apple.dock", 1));
        refused.put("contains '/'", profile("com.example/slash", newUuid(), 1));
        refused.put("contains '?'", profile("com.example?query", newUuid(), 1));
        refused.put("contains '#'", profile("com.example#hash", newUuid(), 1));
        // Under MariaDB's PAD SPACE collation "id " is the stored "id": it would overwrite or collide.
        refused.put("PayloadIdentifier '" + id + " ' begins or ends with white space", profile(id + " ", newUuid(), 48));
        refused.put("PayloadIdentifier ' " + id + "' begins or ends", profile(" " + id, newUuid(), 48));
        refused.forEach((message, body) -> {
            AdminClient.Reply r = admin.send("POST", "/v1/profiles", body);
            assertThat(r.status()).as(message + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().get("error").asText()).contains(message);
        });
        JsonNode stored = admin.send("GET", "/v1/profiles/" + id, null).json();
        assertThat(stored.get("uuid").asText()).isEqualTo(uuid);
        assertThat(stored.get("version").asInt()).isEqualTo(1);

        String atTheLimit = "com.example." + "y".repeat(243);
        AdminClient.Reply longest = admin.send("POST", "/v1/profiles",
                profile(atTheLimit, "U".repeat(127), "M".repeat(255), "com.apple.dock", 1));
        assertThat(longest.status()).as(longest.body()).isEqualTo(201);
        assertThat(admin.send("GET", "/v1/profiles/" + atTheLimit, null).json().get("display_name").asText()).hasSize(255);
        assertThat(admin.send("DELETE", "/v1/profiles/" + atTheLimit, null).status()).isEqualTo(204);
    }

    @Test
    void groupsTakeHostIdsUdidsAndSerials() {
        SimulatedDevice a = enrolledMac();
        SimulatedDevice b = enrolledMac();
        String name = newGroupName();
        AdminClient.Reply put = admin.send("PUT", "/v1/groups/" + name,
                ("{\"hosts\": [\"" + a.udid() + "\", \"" + b.facts().serialNumber() + "\"]}").getBytes(StandardCharsets.UTF_8));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().get("hosts")).hasSize(2);
        assertThat(admin.send("GET", "/v1/groups", null).body()).contains(name);
        AdminClient.Reply unknown = admin.send("PUT", "/v1/groups/" + name, "{\"hosts\": [\"nope\"]}".getBytes(StandardCharsets.UTF_8));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("error").asText()).contains("nope");
        assertThat(admin.send("DELETE", "/v1/groups/" + name, null).status()).isEqualTo(204);
        assertThat(admin.send("GET", "/v1/groups/" + name, null).status()).isEqualTo(404);
    }

    // ---- install, edit, remove -----------------------------------------------------------------------

    @Test
    void groupTargetInstallsEditsInPlaceAndRemoves() {
        SimulatedDevice mac = enrolledMac();
        SimulatedDevice excluded = enrolledMac();
        String g = newGroupName();
        group(g, mac, excluded);
        String id = newIdentifier("wifi");
        String uuid1 = upload(profile(id, newUuid(), 32));
        AdminClient.Reply t = admin.send("PUT", "/v1/profiles/" + id + "/targets",
                ("{\"groups\": [\"" + g + "\"], \"exclude_hosts\": [\"" + excluded.udid() + "\"]}").getBytes(StandardCharsets.UTF_8));
        assertThat(t.status()).as(t.body()).isEqualTo(200);
        reconcile();
        reconcile(); // a second pass finds nothing to do

        assertThat(types(mac.channel().poll())).containsExactly("InstallProfile", "ProfileList");
        assertThat(types(excluded.channel().poll())).isEmpty();
        assertThat(mac.state().profiles().get(id).uuid()).isEqualTo(uuid1);
        JsonNode st = status(id);
        assertThat(st.get("counts").get("verified").asInt()).isEqualTo(1);
        assertThat(st.get("counts").get("pending").asInt()).isZero();
        assertThat(st.get("hosts").get(0).get("udid").asText()).isEqualTo(mac.udid());
        assertThat(st.get("hosts").get(0).get("operation").asText()).isEqualTo("install");

        // An edit is one InstallProfile, never a removal first.
        String uuid2 = upload(profile(id, newUuid(), 64));
        reconcile();
        assertThat(types(mac.channel().poll())).containsExactly("InstallProfile", "ProfileList");
        assertThat(mac.state().profiles().get(id).uuid()).isEqualTo(uuid2);
        assertThat(hostProfiles(mac).get(id).get("version").asInt()).isEqualTo(2);
        assertThat(hostProfiles(mac).get(id).get("status").asText()).isEqualTo("verified");

        // Leaving the group removes it.
        group(g);
        reconcile();
        assertThat(types(mac.channel().poll())).containsExactly("RemoveProfile");
        assertThat(mac.state().profiles()).doesNotContainKey(id);
        assertThat(hostProfiles(mac)).doesNotContainKey(id);
        assertThat(status(id).get("hosts")).isEmpty();
    }

    @Test
    void aDeletedGroupTakesItsTargetsAlongAndANewOneOfTheSameNameStartsWithNone() {
        SimulatedDevice mac = enrolledMac();
        SimulatedDevice other = enrolledMac();
        String g = newGroupName();
        group(g, mac, other);
        String id = newIdentifier("group-deleted");
        upload(profile(id, newUuid(), 32));
        targets(id, "{\"groups\": [\"" + g + "\"]}");
        reconcile();
        assertThat(types(mac.channel().poll())).containsExactly("InstallProfile", "ProfileList");
        assertThat(types(other.channel().poll())).containsExactly("InstallProfile", "ProfileList");

        assertThat(admin.send("DELETE", "/v1/groups/" + g, null).status()).isEqualTo(204);
        JsonNode targets = admin.send("GET", "/v1/profiles/" + id + "/targets", null).json();
        assertThat(targets.get("groups")).isEmpty();
        reconcile();
        assertThat(types(mac.channel().poll())).containsExactly("RemoveProfile");
        assertThat(types(other.channel().poll())).containsExactly("RemoveProfile");
        assertThat(status(id).get("hosts")).isEmpty();

        // The same name again, with the same members: the old targets do not come back.
        group(g, mac);
        reconcile();
        assertHasNothingOf(mac, id);
    }

    @Test
    void aDeletedExcludedGroupNoLongerExcludes() {
        SimulatedDevice mac = enrolledMac();
        String g = newGroupName();
        group(g, mac);
        String id = newIdentifier("group-excluded");
        String uuid = upload(profile(id, newUuid(), 32));
        targets(id, "{\"hosts\": [\"" + mac.udid() + "\"], \"exclude_groups\": [\"" + g + "\"]}");
        reconcile();
        assertThat(mac.channel().poll()).isEmpty();

        assertThat(admin.send("DELETE", "/v1/groups/" + g, null).status()).isEqualTo(204);
        assertThat(admin.send("GET", "/v1/profiles/" + id + "/targets", null).json().get("exclude_groups")).isEmpty();
        group(g, mac); // recreated: it excludes nothing now
        reconcile();
        assertThat(types(mac.channel().poll())).containsExactly("InstallProfile", "ProfileList");
        assertThat(mac.state().profiles().get(id).uuid()).isEqualTo(uuid);
    }

    /**
     * A sweep finds what differs without locks and locks only those hosts: while another transaction holds a
     * converged host's row, a sweep with nothing to do for it returns at once, and so does one with work for
     * another host. (Locking every host of the batch first, it waited for the lock.)
     */
    @Test
    void aSweepLocksOnlyTheHostsThatDiffer() throws Exception {
        SimulatedDevice busy = enrolledMac();
        SimulatedDevice other = enrolledMac();
        installed(busy, newIdentifier("converged"));
        long busyHost = admin.send("GET", "/v1/hosts/" + busy.udid(), null).json().get("id").asLong();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(server.jdbcUrl())) {
            c.setAutoCommit(false);
            try (java.sql.PreparedStatement s = c.prepareStatement("SELECT id FROM hosts WHERE id = ? FOR UPDATE")) {
                s.setLong(1, busyHost);
                assertThat(s.executeQuery().next()).isTrue();
            }
            try {
                AdminClient.Reply noop = pool.submit(() -> admin.send("POST", "/v1/profiles/reconcile", null))
                        .get(20, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(noop.status()).as(noop.body()).isEqualTo(200);

                String id = newIdentifier("beside-a-locked-host");
                upload(profile(id, newUuid(), 32));
                AdminClient.Reply target = pool.submit(() -> admin.send("PUT", "/v1/profiles/" + id + "/targets",
                        ("{\"hosts\": [\"" + other.udid() + "\"]}").getBytes(StandardCharsets.UTF_8)))
                        .get(20, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(target.status()).as(target.body()).isEqualTo(200);
                AdminClient.Reply work = pool.submit(() -> admin.send("POST", "/v1/profiles/reconcile", null))
                        .get(20, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(work.status()).as(work.body()).isEqualTo(200);
                assertThat(hostProfiles(other).get(id).get("status").asText()).isEqualTo("pending");
            } finally {
                c.rollback();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(types(other.channel().poll())).containsExactly("InstallProfile", "ProfileList");
    }

    /**
     * A profile every host wants (targets all, excludes nobody) is checked without looking at each host's
     * targets; a sweep still repairs drift nobody told this server of: a lost state row, a stale one, an
     * exclusion and a deletion written by another server, and group membership changed beside it. Its own
     * server, since it targets all hosts.
     */
    @Test
    void aSweepRepairsDriftNobodyToldItOf() throws Exception {
        try (TestServer own = new TestServer(engine(), Files.createTempDirectory("jmdm-profiles-drift"),
                Map.of("MDM_PROFILE_SWEEP", "0", "MDM_PROFILE_LIST_EVERY", "0"))) {
            List<SimulatedDevice> macs = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                SimulatedDevice d = own.newMac();
                d.enroll();
                d.channel().poll();
                macs.add(d);
            }
            SimulatedDevice a = macs.get(0);
            SimulatedDevice b = macs.get(1);
            SimulatedDevice c = macs.get(2);
            String id = newIdentifier("everyone");
            AdminClient.Reply up = own.admin.send("POST", "/v1/profiles", profile(id, newUuid(), 32));
            assertThat(up.status()).as(up.body()).isEqualTo(201);
            String uuid = up.json().get("uuid").asText();
            assertThat(own.admin.send("PUT", "/v1/profiles/" + id + "/targets", "{\"all\": true}".getBytes(StandardCharsets.UTF_8))
                    .status()).isEqualTo(200);
            sweep(own);
            for (SimulatedDevice d : macs) {
                assertThat(types(d.channel().poll())).as(d.udid()).containsExactly("InstallProfile", "ProfileList");
            }
            assertThat(sweep(own)).isZero();

            // Lost and stale state rows, and an exclusion another server stored without telling this one.
            own.sql("DELETE FROM host_profiles WHERE host_id = ? AND identifier = ?", hostId(own, a), id);
            own.sql("UPDATE host_profiles SET uuid = 'STALE' WHERE host_id = ? AND identifier = ?", hostId(own, b), id);
            own.sql("INSERT INTO profile_target_hosts (identifier, excluded, host_id) VALUES (?, TRUE, ?)", id, hostId(own, c));
            assertThat(sweep(own)).isEqualTo(3);
            assertThat(types(a.channel().poll())).containsExactly("InstallProfile", "ProfileList");
            assertThat(types(b.channel().poll())).containsExactly("InstallProfile", "ProfileList");
            assertThat(types(c.channel().poll())).containsExactly("RemoveProfile");
            assertThat(a.state().profiles().get(id).uuid()).isEqualTo(uuid);
            assertThat(c.state().profiles()).doesNotContainKey(id);
            assertThat(sweep(own)).isZero();

            // A group's members changed beside this server: its profile follows them.
            String g = newGroupName();
            assertThat(own.admin.send("PUT", "/v1/groups/" + g, "{\"hosts\": []}".getBytes(StandardCharsets.UTF_8)).status())
                    .isEqualTo(200);
            String grouped = newIdentifier("grouped");
            assertThat(own.admin.send("POST", "/v1/profiles", profile(grouped, newUuid(), 32)).status()).isEqualTo(201);
            assertThat(own.admin.send("PUT", "/v1/profiles/" + grouped + "/targets", ("{\"groups\": [\"" + g + "\"]}")
                    .getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
            own.sql("INSERT INTO host_group_members (group_name, host_id) VALUES (?, ?)", g, hostId(own, c));
            sweep(own); // (the sweep the target change queued may be the one that finds it)
            assertThat(types(c.channel().poll())).containsExactly("InstallProfile", "ProfileList");

            // The profile every host wanted, deleted by another server: removed from those holding it.
            own.sql("DELETE FROM profiles WHERE identifier = ?", id);
            assertThat(sweep(own)).isEqualTo(2);
            assertThat(types(a.channel().poll())).containsExactly("RemoveProfile");
            assertThat(types(b.channel().poll())).containsExactly("RemoveProfile");
            assertThat(c.channel().poll()).isEmpty();
            assertThat(sweep(own)).isZero();
        }
    }

    /** A full synchronous sweep on that server; the commands it queued. */
    private static int sweep(TestServer on) {
        AdminClient.Reply r = on.admin.send("POST", "/v1/profiles/reconcile", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("commands_queued").asInt();
    }

    private static long hostId(TestServer on, SimulatedDevice d) {
        return on.admin.send("GET", "/v1/hosts/" + d.udid(), null).json().get("id").asLong();
    }

    @Test
    void removedWhileInstallIsQueuedAndUndeliveredSendsNothing() {
        SimulatedDevice mac = enrolledMac();
        String id = newIdentifier("undelivered");
        upload(profile(id, newUuid(), 32));
        targetHosts(id, mac);
        reconcile();
        assertThat(hostProfiles(mac).get(id).get("status").asText()).isEqualTo("pending");

        assertThat(admin.send("DELETE", "/v1/profiles/" + id, null).status()).isEqualTo(204);
        reconcile();

        assertThat(mac.channel().poll()).isEmpty();
        assertThat(mac.state().profiles()).doesNotContainKey(id);
        assertThat(hostProfiles(mac)).doesNotContainKey(id);
    }

    /** The device has answered NotNow to the profile's InstallProfile and holds no version of it. */
    private String notNowedInstall(SimulatedDevice mac, String id) {
        String uuid = upload(profile(id, newUuid(), 32));
        targetHosts(id, mac);
        reconcile();
        mac.behaviour((type, cmd) -> "InstallProfile".equals(type) ? Answer.notNow() : null);
        assertThat(mac.channel().poll()).extracting(HandledCommand::requestType, HandledCommand::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("InstallProfile", "NotNow"));
        return uuid;
    }

    /**
     * Behaviour that runs {@code change} while the device holds the first InstallProfile it is given (the
     * command is delivered and unanswered), then answers it with {@code answer} (null: installs it).
     */
    private SimulatedDevice.Behaviour changeWhileInstalling(Runnable change, Answer answer) {
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        return (type, cmd) -> {
            if (!"InstallProfile".equals(type) || !first.getAndSet(false)) {
                return null;
            }
            change.run();
            return answer;
        };
    }

    /** Uploads a second version and reconciles; its PayloadUUID goes to {@code uuid}. */
    private Runnable edit(String id, java.util.concurrent.atomic.AtomicReference<String> uuid) {
        return () -> {
            uuid.set(upload(profile(id, newUuid(), 64)));
            reconcile();
        };
    }

    private void deleteAndReconcile(String id) {
        assertThat(admin.send("DELETE", "/v1/profiles/" + id, null).status()).isEqualTo(204);
        reconcile();
    }

    @Test
    void removedAfterNotNowCancelsTheInstallAndSendsNothing() {
        SimulatedDevice mac = enrolledMac();
        String id = newIdentifier("notnow");
        notNowedInstall(mac, id);

        deleteAndReconcile(id);
        mac.behaviour((type, cmd) -> null);
        assertHasNothingOf(mac, id);
    }

    @Test
    void removedWhileANotNowedInstallIsRedeliveredNeverLeavesItInstalled() {
        SimulatedDevice mac = enrolledMac();
        String id = newIdentifier("notnow-again");
        notNowedInstall(mac, id);

        // Redelivered on Idle: the profile is deleted while the device holds the command, then it says NotNow
        // again. A RemoveProfile queued behind it would overtake it, fail "not found", and the install would win.
        mac.behaviour(changeWhileInstalling(() -> deleteAndReconcile(id), Answer.notNow()));
        assertThat(types(mac.channel().poll())).containsExactly("InstallProfile");
        mac.behaviour((type, cmd) -> null);
        assertHasNothingOf(mac, id);
    }

    @Test
    void removedWhileANotNowedInstallIsRedeliveredAndAcknowledgedRemovesItAfterwards() {
        SimulatedDevice mac = enrolledMac();
        String id = newIdentifier("notnow-ack");
        notNowedInstall(mac, id);

        mac.behaviour(changeWhileInstalling(() -> deleteAndReconcile(id), null));
        // Whether a ProfileList checks the late install before the removal depends on whether the delete's own
        // reconciliation or the answer's re-check ran first; either way the removal follows the install.
        List<String> sent = types(mac.channel().poll());
        assertThat(sent).containsSubsequence("InstallProfile", "RemoveProfile").doesNotHaveDuplicates()
                .isSubsetOf("InstallProfile", "ProfileList", "RemoveProfile");
        assertThat(mac.state().profiles()).doesNotContainKey(id);
        assertThat(hostProfiles(mac)).doesNotContainKey(id);
        mac.behaviour((type, cmd) -> null);
        assertThat(mac.channel().poll()).isEmpty();
    }

    @Test
    void editedAfterNotNowInstallsOnlyTheNewVersion() {
        SimulatedDevice mac = enrolledMac();
        String id = newIdentifier("notnow-edit");
        notNowedInstall(mac, id);

        String uuid2 = upload(profile(id, newUuid(), 64));
        reconcile();
        mac.behaviour((type, cmd) -> null);
        List<HandledCommand> handled = mac.channel().poll();
        assertThat(types(handled)).containsExactly("InstallProfile", "ProfileList");
        assertThat(mac.state().profiles().get(id).uuid()).isEqualTo(uuid2);
        assertThat(hostProfiles(mac).get(id).get("status").asText()).isEqualTo("verified");
        assertThat(mac.channel().poll()).isEmpty();
    }

    @Test
    void editedWhileANotNowedInstallIsRedeliveredEndsOnTheNewVersion() {
        SimulatedDevice mac = enrolledMac();
        String id = newIdentifier("notnow-edit-again");
        notNowedInstall(mac, id);

        // v2 arrives while the device holds v1's InstallProfile again; it says NotNow to v1 once more. v1 must
        // never be installed over v2 afterwards.
        java.util.concurrent.atomic.AtomicReference<String> uuid2 = new java.util.concurrent.atomic.AtomicReference<>();
        mac.behaviour(changeWhileInstalling(edit(id, uuid2), Answer.notNow()));
        assertThat(types(mac.channel().poll())).containsExactly("InstallProfile", "InstallProfile", "ProfileList");
        mac.behaviour((type, cmd) -> null);
        assertThat(mac.channel().poll()).isEmpty();
        assertThat(mac.state().profiles().get(id).uuid()).isEqualTo(uuid2.get());
        JsonNode p = hostProfiles(mac).get(id);
        assertThat(p.get("status").asText()).isEqualTo("verified");
        assertThat(p.get("version").asInt()).isEqualTo(2);
    }

    @Test
    void editedWhileAnInstallIsRunningAndAcknowledgedEndsOnTheNewVersion() {
        SimulatedDevice mac = enrolledMac();
        String id = newIdentifier("running-edit");
        notNowedInstall(mac, id);

        java.util.concurrent.atomic.AtomicReference<String> uuid2 = new java.util.concurrent.atomic.AtomicReference<>();
        mac.behaviour(changeWhileInstalling(edit(id, uuid2), null));
        // As above, a ProfileList between the two installs depends on which reconciliation ran first.
        List<String> sent = types(mac.channel().poll());
        assertThat(sent).containsSubsequence("InstallProfile", "InstallProfile", "ProfileList")
                .isSubsetOf("InstallProfile", "ProfileList").endsWith("ProfileList");
        assertThat(mac.state().profiles().get(id).uuid()).isEqualTo(uuid2.get());
        assertThat(hostProfiles(mac).get(id).get("status").asText()).isEqualTo("verified");
        assertThat(hostProfiles(mac).get(id).get("version").asInt()).isEqualTo(2);
    }

    @Test
    void editedTwiceWhileOfflineInstallsOnlyTheNewest() {
        SimulatedDevice mac = enrolledMac();
        String id = newIdentifier("twice");
        upload(profile(id, newUuid(), 16));
        targetHosts(id, mac);
        reconcile();
        upload(profile(id, newUuid(), 32));
        reconcile();
        String newest = upload(profile(id, newUuid(), 48));
        reconcile();

        List<HandledCommand> handled = mac.channel().poll();
        assertThat(types(handled)).containsExactly("InstallProfile", "ProfileList");
        assertThat(mac.state().profiles().get(id).uuid()).isEqualTo(newest);
        JsonNode p = hostProfiles(mac).get(id);
        assertThat(p.get("status").asText()).isEqualTo("verified");
        assertThat(p.get("version").asInt()).isEqualTo(3);
    }

    // ---- enrollment ----------------------------------------------------------------------------------

    @Test
    void erasedAndReenrolledDeviceGetsEverythingAgain() {
        SimulatedDevice mac = enrolledMac();
        String a = newIdentifier("erase-a");
        String b = newIdentifier("erase-b");
        installed(mac, a);
        installed(mac, b);

        mac.erase();
        mac.enroll();
        List<String> handled = types(mac.channel().poll());
        assertThat(handled).containsExactly("ProfileList", "InstallProfile", "InstallProfile", "ProfileList");
        assertThat(mac.state().profiles()).containsKeys(a, b);
        assertThat(hostProfiles(mac).get(a).get("status").asText()).isEqualTo("verified");
        assertThat(hostProfiles(mac).get(b).get("status").asText()).isEqualTo("verified");
    }

    @Test
    void identityRenewalKeepsProfilesWithoutReinstalling() {
        SimulatedDevice mac = enrolledMac();
        String id = newIdentifier("renewal");
        String uuid = installed(mac, id);

        assertThat(admin.allowRenewal(mac.udid()).status()).isEqualTo(200);
        mac.useIdentity(server.identity("renewed"));
        mac.enroll();
        assertThat(types(mac.channel().poll())).containsExactly("ProfileList");
        assertThat(mac.state().profiles().get(id).uuid()).isEqualTo(uuid);
        assertThat(hostProfiles(mac).get(id).get("status").asText()).isEqualTo("verified");
    }

    @Test
    void checkedOutHostIsSkippedAndKeepsItsState() {
        SimulatedDevice mac = enrolledMac();
        String id = newIdentifier("checkout");
        String uuid1 = installed(mac, id);
        assertThat(mac.channel().checkOut().status()).isEqualTo(200);

        String uuid2 = upload(profile(id, newUuid(), 99));
        reconcile();
        JsonNode p = hostProfiles(mac).get(id);
        assertThat(p.get("status").asText()).isEqualTo("verified");
        assertThat(p.get("uuid").asText()).isEqualTo(uuid1);
        assertThat(admin.queue(mac.enrollmentId()).json().get("commands")).isNullOrEmpty();
        assertThat(admin.send("POST", "/v1/hosts/" + mac.udid() + "/refresh", null).status()).isEqualTo(409);

        // Back again: its ProfileList shows the old version, so the new one is installed.
        mac.enroll();
        assertThat(types(mac.channel().poll())).containsExactly("ProfileList", "InstallProfile", "ProfileList");
        assertThat(mac.state().profiles().get(id).uuid()).isEqualTo(uuid2);
        assertThat(hostProfiles(mac).get(id).get("status").asText()).isEqualTo("verified");
    }

    // ---- device truth --------------------------------------------------------------------------------

    @Test
    void profileListRepairsUserRemovalRemovesStrayManagedAndLeavesUnmanaged() {
        SimulatedDevice mac = enrolledMac();
        String wanted = newIdentifier("wanted");
        installed(mac, wanted);
        // A server profile this host is not assigned, put there by hand through the raw queue.
        String stray = newIdentifier("stray");
        String strayUuid = upload(profile(stray, newUuid(), 8));
        NSDictionary install = new NSDictionary();
        NSDictionary command = new NSDictionary();
        command.put("RequestType", "InstallProfile");
        command.put("Payload", new NSData(admin.send("GET", "/v1/profiles/" + stray + "/raw", null).body().getBytes(StandardCharsets.UTF_8)));
        String manual = newUuid();
        install.put("CommandUUID", manual);
        install.put("Command", command);
        assertThat(admin.enqueue(install.toXMLPropertyList().getBytes(StandardCharsets.UTF_8), List.of(mac.enrollmentId()), true).status())
                .isEqualTo(200);
        assertThat(types(mac.channel().poll())).containsExactly("InstallProfile");
        assertThat(mac.state().profiles().get(stray).uuid()).isEqualTo(strayUuid);
        // The user removes the wanted profile; another tool installed one the server never managed.
        mac.state().remove(wanted);
        mac.state().install(new DeviceState.InstalledProfile("com.other.tool", newUuid(), "Other", new byte[] {1}));

        AdminClient.Reply refresh = admin.send("POST", "/v1/hosts/" + mac.udid() + "/refresh", null);
        assertThat(refresh.status()).as(refresh.body()).isEqualTo(202);
        List<String> handled = types(mac.channel().poll());
        assertThat(handled).containsExactly("ProfileList", "RemoveProfile", "InstallProfile", "ProfileList");
        assertThat(mac.state().profiles()).containsKeys(wanted, "com.other.tool").doesNotContainKey(stray);
        assertThat(hostProfiles(mac).get(wanted).get("status").asText()).isEqualTo("verified");
        assertThat(hostProfiles(mac)).doesNotContainKeys(stray, "com.other.tool");
    }

    @Test
    void removeAnsweredProfileNotFoundCountsAsRemoved() {
        SimulatedDevice mac = enrolledMac();
        String id = newIdentifier("notfound");
        installed(mac, id);
        mac.state().remove(id); // gone from the device without the server knowing

        targetHosts(id);
        reconcile();
        List<HandledCommand> handled = mac.channel().poll();
        assertThat(handled).extracting(HandledCommand::requestType, HandledCommand::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("RemoveProfile", "Error"));
        assertThat(hostProfiles(mac)).doesNotContainKey(id);
        assertThat(status(id).get("counts").get("failed").asInt()).isZero();
    }

    @Test
    void lostAcknowledgementIsSettledByTheNextProfileList() {
        SimulatedDevice mac = enrolledMac();
        String id = newIdentifier("lostack");
        String uuid = upload(profile(id, newUuid(), 32));
        targetHosts(id, mac);
        reconcile();
        // The device installs the profile but its answer never arrives.
        mac.behaviour((type, cmd) -> {
            if (!"InstallProfile".equals(type)) {
                return null;
            }
            byte[] raw = ((NSData) cmd.get("Payload")).bytes();
            try {
                NSDictionary p = (NSDictionary) PropertyListParser.parse(raw);
                mac.state().install(new DeviceState.InstalledProfile(((NSString) p.get("PayloadIdentifier")).getContent(),
                        ((NSString) p.get("PayloadUUID")).getContent(), null, raw));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Answer.drop();
        });
        assertThat(types(mac.channel().poll())).containsExactly("InstallProfile");
        assertThat(hostProfiles(mac).get(id).get("status").asText()).isEqualTo("pending");

        // The device re-enrolls (its queue is cleared): the ProfileList it answers settles the state.
        mac.behaviour((type, cmd) -> null);
        mac.enroll();
        assertThat(types(mac.channel().poll())).containsExactly("ProfileList");
        assertThat(mac.state().profiles().get(id).uuid()).isEqualTo(uuid);
        assertThat(hostProfiles(mac).get(id).get("status").asText()).isEqualTo("verified");
    }

    @Test
    void installErrorsAreRetriedThenFailedWithTheErrorChain() {
        SimulatedDevice mac = enrolledMac();
        String id = newIdentifier("fails");
        upload(profile(id, newUuid(), 32));
        targetHosts(id, mac);
        reconcile();
        mac.behaviour((type, cmd) -> "InstallProfile".equals(type)
                ? Answer.error("MCProfileErrorDomain", 1009, "The payload could not be installed.") : null);
        assertThat(types(mac.channel().poll())).containsExactly("InstallProfile", "InstallProfile", "InstallProfile");
        JsonNode st = status(id);
        assertThat(st.get("counts").get("failed").asInt()).isEqualTo(1);
        assertThat(st.get("hosts").get(0).get("detail").asText()).contains("MCProfileErrorDomain (1009)");
        reconcile();
        assertThat(mac.channel().poll()).isEmpty(); // failed stays failed until a new version
    }

    // ---- triggers and pushes -------------------------------------------------------------------------

    @Test
    void everyChangeReachesAWokenDeviceWithoutAskingForAReconcile() {
        // Enrolled on the push certificate's topic and routed: a push wakes it and it polls by itself.
        SimulatedDevice mac = SimulatedDevice.mac(server.transport, server.identity("woken"), pushStack.pushTopic());
        mac.enroll();
        assertThat(types(mac.channel().poll())).containsExactly("ProfileList");
        apns.route(mac.channel());
        try {
            String id = newIdentifier("trigger");
            String uuid1 = upload(profile(id, newUuid(), 32));
            targetHosts(id, mac); // target change
            awaitHolds(mac, id, uuid1);

            String uuid2 = upload(profile(id, newUuid(), 64)); // edit
            awaitHolds(mac, id, uuid2);

            String g = newGroupName();
            group(g); // an empty group, then the profile targets it
            String viaGroup = newIdentifier("trigger-group");
            String uuid3 = upload(profile(viaGroup, newUuid(), 8));
            AdminClient.Reply t = admin.send("PUT", "/v1/profiles/" + viaGroup + "/targets",
                    ("{\"groups\": [\"" + g + "\"]}").getBytes(StandardCharsets.UTF_8));
            assertThat(t.status()).as(t.body()).isEqualTo(200);
            group(g, mac); // membership change
            awaitHolds(mac, viaGroup, uuid3);
            group(g); // and leaving the group
            awaitGone(mac, viaGroup);

            assertThat(admin.send("DELETE", "/v1/profiles/" + id, null).status()).isEqualTo(204); // delete
            awaitGone(mac, id);
            assertThat(apns.receivedFor(mac.channel().tokenHex())).isNotEmpty()
                    .allSatisfy(p -> assertThat(p.payload()).isEqualTo("{\"mdm\":\"" + mac.channel().pushMagic() + "\"}"));
        } finally {
            apns.unroute(mac.channel());
        }
    }

    private void awaitHolds(SimulatedDevice d, String identifier, String uuid) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(d.state().profiles()).containsKey(identifier);
            assertThat(d.state().profiles().get(identifier).uuid()).isEqualTo(uuid);
            assertThat(hostProfiles(d).get(identifier).get("status").asText()).isEqualTo("verified");
        });
    }

    private void awaitGone(SimulatedDevice d, String identifier) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(d.state().profiles()).doesNotContainKey(identifier);
            assertThat(hostProfiles(d)).doesNotContainKey(identifier);
        });
    }

    @Test
    void theProfileListScheduleReinstallsWhatTheUserRemoved() throws Exception {
        // Its own server with the schedule on (every second), so the other scenarios stay deterministic.
        try (TestServer timed = new TestServer(engine(), Files.createTempDirectory("jmdm-profiles-timed"),
                Map.of("MDM_PROFILE_SWEEP", "1s", "MDM_PROFILE_LIST_EVERY", "1s"))) {
            String id = newIdentifier("scheduled");
            AdminClient.Reply up = timed.admin.send("POST", "/v1/profiles", profile(id, newUuid(), 32));
            assertThat(up.status()).as(up.body()).isEqualTo(201);
            String uuid = up.json().get("uuid").asText();
            SimulatedDevice mac = timed.newMac();
            mac.enroll();
            AdminClient.Reply t = timed.admin.send("PUT", "/v1/profiles/" + id + "/targets", "{\"all\": true}".getBytes(StandardCharsets.UTF_8));
            assertThat(t.status()).as(t.body()).isEqualTo(200);
            // The device is not woken (no APNs here): it polls, as it would on its own schedule.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
                mac.channel().poll();
                assertThat(mac.state().profiles()).containsKey(id);
            });

            mac.state().remove(id); // the user removes it; nothing tells the server
            List<String> seen = new java.util.ArrayList<>();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
                seen.addAll(types(mac.channel().poll()));
                assertThat(mac.state().profiles()).containsKey(id);
                assertThat(mac.state().profiles().get(id).uuid()).isEqualTo(uuid);
            });
            assertThat(seen).startsWith("ProfileList").contains("InstallProfile");
            assertThat(seen.stream().filter("InstallProfile"::equals)).hasSize(1);
        }
    }

    // ---- status --------------------------------------------------------------------------------------

    @Test
    void statusPagesThroughHostsWithACursor() {
        SimulatedDevice a = enrolledMac();
        SimulatedDevice b = enrolledMac();
        SimulatedDevice c = enrolledMac();
        String id = newIdentifier("paged");
        upload(profile(id, newUuid(), 32));
        targetHosts(id, a, b, c);
        reconcile();
        assertThat(types(a.channel().poll())).containsExactly("InstallProfile", "ProfileList");

        JsonNode first = admin.send("GET", "/v1/profiles/" + id + "/status?limit=2", null).json();
        assertThat(first.get("counts").get("verified").asInt()).isEqualTo(1);
        assertThat(first.get("counts").get("pending").asInt()).isEqualTo(2);
        assertThat(first.get("hosts")).hasSize(2);
        String cursor = first.get("next_cursor").asText();
        JsonNode second = admin.send("GET", "/v1/profiles/" + id + "/status?limit=2&cursor=" + cursor, null).json();
        assertThat(second.get("hosts")).hasSize(1);
        assertThat(second.has("next_cursor")).isFalse();
        List<String> udids = new java.util.ArrayList<>();
        first.get("hosts").forEach(h -> udids.add(h.get("udid").asText()));
        second.get("hosts").forEach(h -> udids.add(h.get("udid").asText()));
        assertThat(udids).containsExactlyInAnyOrder(a.udid(), b.udid(), c.udid());

        JsonNode pending = admin.send("GET", "/v1/profiles/" + id + "/status?status=pending", null).json();
        assertThat(pending.get("hosts")).extracting(h -> h.get("udid").asText()).containsExactlyInAnyOrder(b.udid(), c.udid());
        assertThat(pending.get("hosts").get(0).get("serial").asText()).isNotBlank();

        AdminClient.Reply badStatus = admin.send("GET", "/v1/profiles/" + id + "/status?status=done", null);
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(badStatus.json().get("error").asText()).contains("status");
        assertThat(admin.send("GET", "/v1/profiles/" + id + "/status?cursor=x", null).status()).isEqualTo(400);
        assertThat(admin.send("GET", "/v1/profiles/com.example.none/status", null).status()).isEqualTo(404);
        assertThat(admin.send("GET", "/v1/hosts/nope/profiles", null).status()).isEqualTo(404);
        // Host paths take the host id and the serial number as well as the UDID.
        long hostId = first.get("hosts").get(0).get("host").asLong();
        assertThat(admin.send("GET", "/v1/hosts/" + hostId + "/profiles", null).json().get("profiles")).isNotEmpty();
        AdminClient.Reply bySerial = admin.send("GET", "/v1/hosts/" + a.facts().serialNumber() + "/profiles", null);
        assertThat(bySerial.json().get("udid").asText()).isEqualTo(a.udid());
        b.channel().poll();
        c.channel().poll();
    }

    // ---- signed profiles -----------------------------------------------------------------------------

    @Test
    void aSignedProfileIsSentAsSignedAndAnEditKeepingItsUuidIsRefused() throws Exception {
        dev.jmdm.certsdev.Issued signer = server.identity("profile signer");
        String id = newIdentifier("signed");
        String uuid = newUuid();
        byte[] signed = sign(profile(id, uuid, 32), signer);
        AdminClient.Reply created = admin.send("POST", "/v1/profiles", signed);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode meta = admin.send("GET", "/v1/profiles/" + id, null).json();
        assertThat(meta.get("signed").asBoolean()).isTrue();
        assertThat(meta.get("checksum").asText()).isEqualTo(sha256(signed));

        // Changed content under the same PayloadUUID: the server cannot re-sign it with a new one.
        AdminClient.Reply reused = admin.send("POST", "/v1/profiles", sign(profile(id, uuid, 48), signer));
        assertThat(reused.status()).isEqualTo(400);
        assertThat(reused.json().get("error").asText()).contains("PayloadUUID");
        // A signature that does not match the content is refused too.
        byte[] tampered = signed.clone();
        int at = new String(tampered, StandardCharsets.ISO_8859_1).indexOf("<integer>32</integer>");
        tampered[at + 9] = '4';
        AdminClient.Reply bad = admin.send("POST", "/v1/profiles", tampered);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).isNotBlank();

        SimulatedDevice mac = enrolledMac();
        targetHosts(id, mac);
        reconcile();
        assertThat(types(mac.channel().poll())).containsExactly("InstallProfile", "ProfileList");
        assertThat(mac.state().profiles().get(id).uuid()).isEqualTo(uuid);
        assertThat(hostProfiles(mac).get(id).get("status").asText()).isEqualTo("verified");
    }

    /** An attached CMS SignedData over the profile, as Apple Configurator or a signing tool makes it. */
    static byte[] sign(byte[] content, dev.jmdm.certsdev.Issued signer) throws Exception {
        var gen = new org.bouncycastle.cms.CMSSignedDataGenerator();
        var contentSigner = new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(signer.privateKey());
        gen.addSignerInfoGenerator(new org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder(
                new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder().build()).build(contentSigner, signer.certificate()));
        gen.addCertificates(new org.bouncycastle.cert.jcajce.JcaCertStore(List.of(signer.certificate())));
        return gen.generate(new org.bouncycastle.cms.CMSProcessableByteArray(content), true).getEncoded("DER");
    }

    static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
