package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Answer;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.DeviceFacts;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.ServerReply;
import dev.jmdm.sim.SimulatedDevice;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Hosts, inventory, command history, the command builder and remote actions, end to end: simulated
 * devices enroll and answer truthfully (or as a test tells them), and every assertion reads the
 * public JSON API. The scenarios share one server with automatic inventory on; each makes its own
 * devices, tagged by serial number so list filters can single them out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HostScenarios {
    static final List<String> INVENTORY = List.of("DeviceInformation", "SecurityInfo", "InstalledApplicationList");

    TestServer server;
    AdminClient admin;

    abstract TestDatabases.Engine engine();

    /** A named key beside MDM_API_KEY: the audit log must say it was the helpdesk. */
    static final String HELPDESK = "helpdesk";
    static final String HELPDESK_KEY = "helpdesk-key-0123456789";

    @BeforeAll
    void startServer() throws Exception {
        Path dir = Files.createTempDirectory("jmdm-hosts");
        server = new TestServer(engine(), dir, Map.of("MDM_INVENTORY", "true", "MDM_API_KEYS", HELPDESK + ":" + HELPDESK_KEY));
        admin = server.admin;
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** A serial number prefix of its own per call, so a search finds only this test's hosts. */
    static String tag() {
        return "T" + UUID.randomUUID().toString().replace("-", "").substring(0, 6).toUpperCase();
    }

    SimulatedDevice device(DeviceFacts.Platform platform, String serial) {
        DeviceFacts f = DeviceFacts.generate(platform, UUID.randomUUID().toString().toUpperCase());
        DeviceFacts facts = new DeviceFacts(platform, f.udid(), serial, f.productName(), f.model(), f.osVersion(), f.buildVersion(),
                f.deviceName());
        return new SimulatedDevice(server.transport, server.identity(platform.name()), facts, TestServer.TOPIC, null);
    }

    SimulatedDevice userEnrolledIphone() {
        DeviceFacts facts = DeviceFacts.generate(DeviceFacts.Platform.IOS, UUID.randomUUID().toString().toUpperCase());
        return new SimulatedDevice(server.transport, server.identity("byod"), facts, TestServer.TOPIC, "BYOD-" + UUID.randomUUID());
    }

    /** Enrolled and its first inventory answered. */
    SimulatedDevice enrolled(DeviceFacts.Platform platform) {
        SimulatedDevice d = device(platform, tag() + "X");
        d.enroll();
        assertThat(types(d.channel().poll())).containsExactlyElementsOf(INVENTORY);
        return d;
    }

    static List<String> types(List<HandledCommand> handled) {
        return handled.stream().map(HandledCommand::requestType).toList();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    AdminClient.Reply get(String path) {
        return admin.send("GET", path, null);
    }

    AdminClient.Reply post(String path, String json) {
        return admin.send("POST", path, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    JsonNode ok(AdminClient.Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** A 4xx with a JSON error containing every given fragment. */
    void refused(AdminClient.Reply r, int status, String... fragments) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        String error = r.json().get("error").asText();
        assertThat(error).isNotBlank();
        for (String f : fragments) {
            assertThat(error).contains(f);
        }
    }

    JsonNode host(String ref) {
        return ok(get("/v1/hosts/" + enc(ref)));
    }

    JsonNode history(String ref) {
        return ok(get("/v1/hosts/" + enc(ref) + "/commands")).get("commands");
    }

    JsonNode inventory(String ref) {
        return ok(get("/v1/hosts/" + enc(ref) + "/inventory"));
    }

    /** Serial numbers of GET /v1/hosts?query, following next_cursor to the end. */
    List<String> serials(String query) {
        List<String> out = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = ok(get("/v1/hosts?" + query + (cursor == null ? "" : "&cursor=" + enc(cursor))));
            page.get("hosts").forEach(h -> out.add(h.get("serial_number").asText()));
            cursor = page.hasNonNull("next_cursor") ? page.get("next_cursor").asText() : null;
        } while (cursor != null);
        return out;
    }

    List<JsonNode> audit(long hostId, String action) {
        List<JsonNode> out = new ArrayList<>();
        ok(get("/v1/audit?host=" + hostId + "&action=" + action)).get("entries").forEach(out::add);
        return out;
    }

    // ---- hosts ---------------------------------------------------------------------------------------

    @Test
    void aPreRegisteredHostShowsPendingUntilItsEnrollmentJoinsIt() {
        String tag = tag();
        SimulatedDevice mac = device(DeviceFacts.Platform.MACOS, tag + "MAC");
        JsonNode registered = ok(post("/v1/hosts", "{\"serials\": [\"" + tag + "MAC\", \"" + tag + "NEVER\"]}"));
        assertThat(registered.get("hosts")).hasSize(2);
        JsonNode pending = host(tag + "MAC");
        long id = pending.get("id").asLong();
        assertThat(pending.get("status").asText()).isEqualTo("pending");
        assertThat(pending.has("udid")).isFalse();
        assertThat(serials("status=pending&q=" + tag)).containsExactlyInAnyOrder(tag + "MAC", tag + "NEVER");
        // Registering again is harmless and names the same host.
        assertThat(ok(post("/v1/hosts", "{\"serials\": [\"" + tag + "MAC\"]}")).get("hosts").get(0).get("id").asLong()).isEqualTo(id);

        mac.enroll();
        JsonNode joined = host(tag + "MAC");
        assertThat(joined.get("id").asLong()).isEqualTo(id);
        assertThat(joined.get("status").asText()).isEqualTo("enrolled");
        assertThat(joined.get("udid").asText()).isEqualTo(mac.udid());
        assertThat(joined.get("platform").asText()).isEqualTo("macos");
        assertThat(joined.get("enrollment_type").asText()).isEqualTo("Device");
        assertThat(joined.get("last_seen_at").asText()).isNotEmpty();
        assertThat(joined.get("enrollments").get(0).get("id").asText()).isEqualTo(mac.udid());
        // Every way of naming the host finds the same one.
        for (String ref : List.of(String.valueOf(id), mac.udid(), tag + "MAC")) {
            assertThat(host(ref).get("id").asLong()).as(ref).isEqualTo(id);
        }
        assertThat(serials("status=pending&q=" + tag)).containsExactly(tag + "NEVER");
        assertThat(serials("status=enrolled&q=" + tag)).containsExactly(tag + "MAC");

        refused(post("/v1/hosts", "{\"serials\": []}"), 400, "serials");
        refused(post("/v1/hosts", "{\"serials\": [42]}"), 400, "serials");
        refused(post("/v1/hosts", "not json"), 400);
        refused(get("/v1/hosts/NO-SUCH-HOST-" + tag), 404, "no host");
    }

    @Test
    void reEnrollmentReusesTheHostAndAUserChannelNamesIt() {
        SimulatedDevice mac = enrolled(DeviceFacts.Platform.MACOS);
        long id = host(mac.udid()).get("id").asLong();
        // Re-enrolling: the old profile is removed (CheckOut), a new one brings a new identity.
        assertThat(mac.channel().checkOut().status()).isEqualTo(200);
        mac.useIdentity(server.identity("renewed"));
        mac.enroll();
        assertThat(host(mac.facts().serialNumber()).get("id").asLong()).isEqualTo(id);
        assertThat(serials("q=" + mac.facts().serialNumber())).containsExactly(mac.facts().serialNumber());

        var user = mac.user(UUID.randomUUID().toString().toUpperCase(), "ann", "Ann");
        assertThat(user.tokenUpdate().status()).isEqualTo(200);
        assertThat(host(user.enrollmentId()).get("id").asLong()).isEqualTo(id);
        assertThat(host(mac.udid()).get("enrollments")).hasSize(2);
    }

    @Test
    void racingEnrollmentsOfOneMachineMakeOneHost() throws Exception {
        SimulatedDevice first = device(DeviceFacts.Platform.MACOS, tag() + "RACE");
        int n = 6;
        List<SimulatedDevice> copies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // The same machine (UDID, serial, identity) authenticating several times at once, as a device that
            // retries does. (Different identities racing for one machine: only one may win, see IdentityBindingScenarios.)
            copies.add(new SimulatedDevice(server.transport, first.identity(), first.facts(), TestServer.TOPIC, null));
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ServerReply>> replies = new ArrayList<>();
            for (SimulatedDevice d : copies) {
                replies.add(pool.submit((Callable<ServerReply>) () -> {
                    go.await();
                    return d.authenticate();
                }));
            }
            go.countDown();
            for (Future<ServerReply> r : replies) {
                assertThat(r.get().status()).as(r.get().text()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(serials("q=" + first.facts().serialNumber())).containsExactly(first.facts().serialNumber());
    }

    /** A Mac enrolled without telling its serial, and a second host the admin made for that serial and put in a group. */
    record Split(SimulatedDevice mac, String serial, long enrolledId, long preId, String group) {
    }

    Split enrolledWithoutSerialThenPreRegistered(String serial) {
        SimulatedDevice mac = device(DeviceFacts.Platform.MACOS, serial).sparseAuthenticate(true);
        mac.enroll();
        JsonNode enrolled = host(mac.udid());
        assertThat(enrolled.has("serial_number")).isFalse();
        assertThat(enrolled.has("platform")).isFalse();
        // Registered before any inventory told the serial: a second host, pending.
        long preId = ok(post("/v1/hosts", "{\"serials\": [\"" + serial + "\"]}")).get("hosts").get(0).get("id").asLong();
        assertThat(preId).isNotEqualTo(enrolled.get("id").asLong());
        String group = "merge-" + serial.toLowerCase();
        ok(admin.send("PUT", "/v1/groups/" + group, ("{\"hosts\": [\"" + serial + "\"]}").getBytes(StandardCharsets.UTF_8)));
        return new Split(mac, serial, enrolled.get("id").asLong(), preId, group);
    }

    @Test
    void aSerialPreRegisteredAfterEnrollmentMergesIntoOneHostOnTheNextAuthenticate() {
        String tag = tag();
        Split split = enrolledWithoutSerialThenPreRegistered(tag + "LATE");
        SimulatedDevice mac = split.mac();
        long enrolledId = split.enrolledId();
        long preId = split.preId();
        String group = split.group();

        mac.sparseAuthenticate(false);
        assertThat(mac.authenticate().status()).isEqualTo(200);
        assertThat(mac.channel().tokenUpdate().status()).isEqualTo(200);
        JsonNode merged = host(mac.udid());
        assertThat(merged.get("id").asLong()).as("the pre-registered host stays").isEqualTo(preId);
        assertThat(merged.get("serial_number").asText()).isEqualTo(tag + "LATE");
        assertThat(merged.get("status").asText()).isEqualTo("enrolled");
        assertThat(merged.get("groups")).extracting(JsonNode::asText).containsExactly(group);
        assertThat(serials("q=" + tag)).containsExactly(tag + "LATE");
        refused(get("/v1/hosts/" + enrolledId), 404, "no host");
        // The history of the enrollment came along.
        assertThat(history(mac.udid())).extracting(c -> c.get("request_type").asText()).containsAll(INVENTORY);
    }

    @Test
    void inventoryFillsSerialAndPlatformAndMergesIntoAPreRegisteredHost() {
        String tag = tag();
        Split split = enrolledWithoutSerialThenPreRegistered(tag + "INV");
        SimulatedDevice mac = split.mac();
        long enrolledId = split.enrolledId();
        long preId = split.preId();
        String group = split.group();

        assertThat(types(mac.channel().poll())).containsExactlyElementsOf(INVENTORY);
        JsonNode merged = host(mac.udid());
        assertThat(merged.get("id").asLong()).isEqualTo(preId);
        assertThat(merged.get("serial_number").asText()).isEqualTo(tag + "INV");
        assertThat(merged.get("platform").asText()).isEqualTo("macos");
        assertThat(merged.get("status").asText()).isEqualTo("enrolled");
        assertThat(merged.get("groups")).extracting(JsonNode::asText).containsExactly(group);
        assertThat(merged.get("inventory").get("app_count").asInt()).isEqualTo(3);
        assertThat(serials("q=" + tag)).containsExactly(tag + "INV");
        refused(get("/v1/hosts/" + enrolledId), 404, "no host");

        // Without a pre-registered host the inventory simply fills the serial and platform in.
        SimulatedDevice phone = device(DeviceFacts.Platform.IOS, tag + "PH").sparseAuthenticate(true);
        phone.enroll();
        phone.channel().poll();
        JsonNode filled = host(phone.udid());
        assertThat(filled.get("serial_number").asText()).isEqualTo(tag + "PH");
        assertThat(filled.get("platform").asText()).isEqualTo("ios");
        assertThat(phone.authenticate().status()).as("its next Authenticate keeps the host").isEqualTo(200);
        assertThat(host(tag + "PH").get("id").asLong()).isEqualTo(filled.get("id").asLong());
    }

    @Test
    void forgettingAHostClearsItsQueueAndTellsTheDeviceNothing() {
        SimulatedDevice mac = enrolled(DeviceFacts.Platform.MACOS);
        long id = host(mac.udid()).get("id").asLong();
        String uuid = ok(post("/v1/commands?nopush=1", "{\"request_type\": \"ProfileList\", \"hosts\": [\"" + mac.udid() + "\"]}"))
                .get("command_uuid").asText();
        assertThat(ok(admin.queue(mac.udid())).get("commands")).hasSize(1);

        JsonNode deleted = ok(admin.send("DELETE", "/v1/hosts/" + mac.facts().serialNumber(), null));
        assertThat(deleted.get("id").asLong()).isEqualTo(id);
        refused(get("/v1/hosts/" + mac.udid()), 404, "no host");
        refused(get("/v1/hosts/" + id), 404, "no host");
        // The enrollment is gone with the host: nothing can be queued or pushed to it, the old command keeps its record.
        refused(admin.queue(mac.udid()), 404, "no enrollment");
        assertThat(ok(admin.enrollments("id=" + mac.udid())).get("enrollments")).isEmpty();
        assertThat(admin.enqueue(Commands.of("ProfileList").plist(), List.of(mac.udid()), true).status()).isEqualTo(404);
        assertThat(ok(admin.command(uuid)).toString()).contains("Cleared");
        assertThat(audit(id, "hosts.delete")).hasSize(1);

        // The device was told nothing and checks in again: its TokenUpdate and polls are refused, as for any
        // device that never enrolled, with Apple's unenroll answer, and no invisible channel becomes pushable.
        Refusals.unrecognized(mac.channel().tokenUpdate(), "TokenUpdate of a forgotten device");
        Refusals.unrecognized(mac.channel().idle(), "poll of a forgotten device");
        assertThat(ok(admin.enrollments("id=" + mac.udid())).get("enrollments")).isEmpty();
        assertThat(serials("q=" + mac.facts().serialNumber())).isEmpty();

        // Should it enroll again, it is a new host that the API shows.
        mac.enroll();
        long again = host(mac.udid()).get("id").asLong();
        assertThat(again).isNotEqualTo(id);
        assertThat(serials("q=" + mac.facts().serialNumber())).containsExactly(mac.facts().serialNumber());
        assertThat(host(mac.udid()).get("status").asText()).isEqualTo("enrolled");
    }

    /** On a server of its own: once a profile is stored, every enrollment also gets a ProfileList. */
    @Test
    void forgettingAHostTakesItOutOfProfileTargetsAndStatus() throws Exception {
        try (TestServer own = new TestServer(engine(), Files.createTempDirectory("jmdm-hosts-profiles"))) {
            AdminClient api = own.admin;
            SimulatedDevice mac = own.newMac();
            SimulatedDevice kept = own.newMac();
            mac.enroll();
            kept.enroll();
            String identifier = "com.example.hosts." + tag().toLowerCase();
            AdminClient.Reply up = api.send("POST", "/v1/profiles", dev.jmdm.sim.Profiles.withOnePayload(identifier,
                    UUID.randomUUID().toString().toUpperCase(), identifier, "com.apple.dock", 32));
            assertThat(up.status()).as(up.body()).isIn(200, 201);
            AdminClient.Reply t = api.send("PUT", "/v1/profiles/" + identifier + "/targets",
                    ("{\"hosts\": [\"" + mac.udid() + "\", \"" + kept.udid() + "\"]}").getBytes(StandardCharsets.UTF_8));
            assertThat(t.status()).as(t.body()).isEqualTo(200);
            assertThat(api.send("POST", "/v1/profiles/reconcile", null).status()).isEqualTo(200);
            assertThat(types(mac.channel().poll())).contains("InstallProfile");
            assertThat(types(kept.channel().poll())).contains("InstallProfile");
            assertThat(ok(api.send("GET", "/v1/profiles/" + identifier + "/status", null)).get("hosts")).hasSize(2);

            long id = ok(api.send("GET", "/v1/hosts/" + mac.udid(), null)).get("id").asLong();
            ok(api.send("DELETE", "/v1/hosts/" + id, null));
            JsonNode after = ok(api.send("GET", "/v1/profiles/" + identifier + "/status", null));
            assertThat(after.get("hosts")).extracting(h -> h.get("udid").asText()).containsExactly(kept.udid());
            int counted = 0;
            for (JsonNode n : after.get("counts")) {
                counted += n.asInt();
            }
            assertThat(counted).as("status counts leave the deleted host out").isEqualTo(1);
            // The target naming the deleted host is gone: reconciling again brings nothing back.
            assertThat(api.send("POST", "/v1/profiles/reconcile", null).status()).isEqualTo(200);
            assertThat(ok(api.send("GET", "/v1/profiles/" + identifier + "/status", null)).get("hosts")).hasSize(1);
            assertThat(api.send("GET", "/v1/profiles/" + identifier, null).body()).doesNotContain("\"" + id + "\"")
                    .doesNotContain(mac.udid());
        }
    }

    @Test
    void listsFilterSortAndPage() {
        String tag = tag();
        List<SimulatedDevice> macs = new ArrayList<>();
        List<SimulatedDevice> phones = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            macs.add(device(DeviceFacts.Platform.MACOS, tag + "M" + i));
            phones.add(device(DeviceFacts.Platform.IOS, tag + "P" + i));
        }
        macs.forEach(SimulatedDevice::enroll);
        phones.forEach(SimulatedDevice::enroll);
        ok(post("/v1/hosts", "{\"serials\": [\"" + tag + "W0\", \"" + tag + "W1\"]}"));

        List<String> all = serials("q=" + tag.toLowerCase() + "&sort=serial_number");
        assertThat(all).containsExactly(tag + "M0", tag + "M1", tag + "M2", tag + "P0", tag + "P1", tag + "P2", tag + "W0", tag + "W1");
        // Pages of two, in both directions, add up to the same list.
        assertThat(serials("q=" + tag + "&sort=serial_number&limit=2")).isEqualTo(all);
        List<String> reversed = new ArrayList<>(all);
        java.util.Collections.reverse(reversed);
        assertThat(serials("q=" + tag + "&sort=-serial_number&limit=3")).isEqualTo(reversed);
        assertThat(serials("q=" + tag + "&sort=-created_at&limit=2")).hasSize(8).doesNotHaveDuplicates();
        JsonNode firstPage = ok(get("/v1/hosts?q=" + tag + "&limit=2"));
        assertThat(firstPage.get("hosts")).hasSize(2);
        assertThat(firstPage.get("next_cursor").asText()).isNotEmpty();

        assertThat(serials("q=" + tag + "&platform=ios")).containsExactlyInAnyOrder(tag + "P0", tag + "P1", tag + "P2");
        assertThat(serials("q=" + tag + "&platform=macos&status=enrolled")).containsExactlyInAnyOrder(tag + "M0", tag + "M1", tag + "M2");
        assertThat(serials("q=" + tag + "&status=pending")).containsExactlyInAnyOrder(tag + "W0", tag + "W1");
        SimulatedDevice phone = phones.get(0);
        String major = phone.facts().osVersion().split("\\.")[0];
        assertThat(serials("q=" + tag + "&os_version=" + major)).containsExactlyInAnyOrder(tag + "P0", tag + "P1", tag + "P2");
        assertThat(serials("q=" + tag + "&os_version=" + phone.facts().osVersion())).contains(tag + "P0");
        // Search also finds a host by UDID.
        assertThat(serials("q=" + phone.udid().toLowerCase())).containsExactly(tag + "P0");

        String group = "hosts-" + tag.toLowerCase();
        AdminClient.Reply g = admin.send("PUT", "/v1/groups/" + group,
                ("{\"hosts\": [\"" + macs.get(1).udid() + "\", \"" + tag + "W1\"]}").getBytes(StandardCharsets.UTF_8));
        assertThat(g.status()).as(g.body()).isEqualTo(200);
        assertThat(serials("group=" + group)).containsExactlyInAnyOrder(tag + "M1", tag + "W1");
        assertThat(host(macs.get(1).udid()).get("groups")).extracting(JsonNode::asText).containsExactly(group);

        refused(get("/v1/hosts?sort=colour"), 400, "colour");
        refused(get("/v1/hosts?status=lost"), 400, "lost");
        refused(get("/v1/hosts?limit=0"), 400, "limit");
        refused(get("/v1/hosts?cursor=garbage"), 400, "cursor");
        String byName = ok(get("/v1/hosts?q=" + tag + "&limit=1")).get("next_cursor").asText();
        refused(get("/v1/hosts?q=" + tag + "&sort=serial_number&cursor=" + enc(byName)), 400, "cursor");
    }

    /**
     * A sort over a column some hosts lack (a pre-registered host has no name, platform, OS version or enrollment
     * time) puts those hosts first ascending and last descending, and pages of one walk through them to the same
     * list as one page: the cursor carries the missing value.
     */
    @Test
    void sortsPageThroughHostsMissingTheSortedValue() {
        String tag = tag();
        List<String> pending = List.of(tag + "W0", tag + "W1", tag + "W2");
        ok(post("/v1/hosts", "{\"serials\": [\"" + String.join("\", \"", pending) + "\"]}"));
        device(DeviceFacts.Platform.MACOS, tag + "M0").enroll();
        device(DeviceFacts.Platform.IOS, tag + "P0").enroll();
        for (String sort : List.of("device_name", "platform", "os_version", "enrolled_at", "serial_number", "last_seen", "created_at")) {
            List<String> up = serials("q=" + tag + "&sort=" + sort + "&limit=100");
            List<String> down = serials("q=" + tag + "&sort=-" + sort + "&limit=100");
            assertThat(up).as(sort).hasSize(5).doesNotHaveDuplicates();
            assertThat(serials("q=" + tag + "&sort=" + sort + "&limit=1")).as(sort).isEqualTo(up);
            assertThat(serials("q=" + tag + "&sort=-" + sort + "&limit=1")).as(sort).isEqualTo(down);
            assertThat(serials("q=" + tag + "&sort=-" + sort + "&limit=2")).as(sort).isEqualTo(down);
            if (!sort.equals("serial_number") && !sort.equals("created_at")) {
                assertThat(up.subList(0, 3)).as(sort).containsExactlyInAnyOrderElementsOf(pending);
                assertThat(down.subList(2, 5)).as(sort).containsExactlyInAnyOrderElementsOf(pending);
            }
        }
        // Only a sort over a value hosts may lack takes a cursor without one.
        String noValue = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("[\"created_at\",null,1]".getBytes(StandardCharsets.UTF_8));
        refused(get("/v1/hosts?sort=created_at&cursor=" + noValue), 400, "cursor");
    }

    /**
     * The last_seen sorts read the device channels in last-seen order and apply the filters to that scan; paging one
     * host at a time gives the same list as one page, ascending is descending reversed, and the filters hold.
     */
    @Test
    void lastSeenSortsPageThroughFilteredHosts() {
        String tag = tag();
        List<String> phones = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SimulatedDevice d = device(DeviceFacts.Platform.IOS, tag + "I" + i);
            d.enroll();
            phones.add(d.facts().serialNumber());
        }
        device(DeviceFacts.Platform.MACOS, tag + "M0").enroll();
        ok(post("/v1/hosts", "{\"serials\": [\"" + tag + "W0\"]}"));
        for (String filter : List.of("&platform=ios", "&status=enrolled", "")) {
            List<String> down = serials("q=" + tag + filter + "&sort=-last_seen&limit=100");
            List<String> up = serials("q=" + tag + filter + "&sort=last_seen&limit=100");
            assertThat(down).as(filter).hasSize(filter.isEmpty() ? 5 : filter.contains("ios") ? 3 : 4).doesNotHaveDuplicates();
            assertThat(serials("q=" + tag + filter + "&sort=-last_seen&limit=1")).as(filter).isEqualTo(down);
            assertThat(serials("q=" + tag + filter + "&sort=last_seen&limit=1")).as(filter).isEqualTo(up);
            List<String> reversed = new ArrayList<>(up);
            java.util.Collections.reverse(reversed);
            assertThat(down).as(filter).isEqualTo(reversed);
            if (filter.contains("ios")) {
                assertThat(down).containsExactlyInAnyOrderElementsOf(phones);
            }
        }
    }

    /**
     * Search is a case-insensitive prefix of the name, serial number or UDID (what people type for serials and
     * UDIDs), kept right when a device renames itself; LIKE wildcards in the query are literal.
     */
    @Test
    void searchMatchesAPrefixOfNameSerialOrUdid() {
        String tag = tag();
        SimulatedDevice mac = device(DeviceFacts.Platform.MACOS, tag + "SRCH");
        mac.enroll();
        assertThat(types(mac.channel().poll())).containsExactlyElementsOf(INVENTORY);
        String serial = mac.facts().serialNumber();

        assertThat(serials("q=" + tag.toLowerCase())).containsExactly(serial);
        assertThat(serials("q=" + enc(" " + tag + " "))).containsExactly(serial);
        assertThat(serials("q=" + mac.udid().substring(0, 13).toLowerCase())).containsExactly(serial);
        assertThat(serials("q=" + mac.udid().substring(0, 13).toUpperCase())).containsExactly(serial);
        // The middle of a serial is not a prefix.
        assertThat(serials("q=" + tag.substring(2))).doesNotContain(serial);
        assertThat(serials("q=" + enc(tag.substring(0, 3) + "_"))).doesNotContain(serial);
        assertThat(serials("q=" + enc(tag.substring(0, 3) + "%"))).doesNotContain(serial);

        // A new device name (from inventory) is searchable at once, the old one no longer.
        String name = "Kiosk " + tag + " Lobby";
        mac.behaviour((type, command) -> {
            if (!"DeviceInformation".equals(type)) {
                return null;
            }
            NSDictionary answers = new NSDictionary();
            answers.put("DeviceName", name);
            answers.put("SerialNumber", serial);
            NSDictionary extra = new NSDictionary();
            extra.put("QueryResponses", answers);
            return Answer.acknowledged(extra);
        });
        ok(post("/v1/hosts/" + mac.udid() + "/refetch?nopush=1", null));
        mac.channel().poll();
        assertThat(host(mac.udid()).get("device_name").asText()).isEqualTo(name);
        assertThat(serials("q=" + enc("kiosk " + tag.toLowerCase()))).containsExactly(serial);
    }

    /** A broad prefix (more than a thousand hosts) is answered page by page like a narrow one, sorted and complete. */
    @Test
    void aBroadSearchPagesThroughEveryMatch() {
        String tag = tag();
        List<String> expected = new ArrayList<>();
        for (int batch = 0; batch < 2; batch++) {
            List<String> quoted = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                String s = tag + String.format("%04d", batch * 600 + i);
                expected.add(s);
                quoted.add("\"" + s + "\"");
            }
            ok(post("/v1/hosts", "{\"serials\": [" + String.join(", ", quoted) + "]}"));
        }
        assertThat(serials("q=" + tag.toLowerCase() + "&sort=serial_number")).containsExactlyElementsOf(expected);
        assertThat(serials("q=" + tag + "11")).hasSize(100).allMatch(x -> x.startsWith(tag + "11"));
    }

    /** The audit log filters by actor, exactly, across pages: "what did the helpdesk do". */
    @Test
    void theAuditLogFiltersByActor() {
        AdminClient helpdesk = new AdminClient(server.http, server.baseUri(), HELPDESK, HELPDESK_KEY);
        String note = "actor filter " + tag();
        for (int i = 0; i < 3; i++) {
            AdminClient.Reply r = helpdesk.send("POST", "/v1/audit", ("{\"action\": \"gitops.apply\", \"note\": \"" + note + " " + i + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            r = post("/v1/audit", "{\"action\": \"gitops.apply\", \"note\": \"" + note + " by the admin key\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        List<JsonNode> mine = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = ok(get("/v1/audit?actor=" + HELPDESK + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor)));
            page.get("entries").forEach(mine::add);
            cursor = page.hasNonNull("next_cursor") ? page.get("next_cursor").asText() : null;
        } while (cursor != null);
        assertThat(mine).extracting(e -> e.get("actor").asText()).containsOnly(HELPDESK);
        assertThat(mine).extracting(e -> e.path("detail").path("note").asText())
                .containsSubsequence(note + " 2", note + " 1", note + " 0");
        assertThat(ok(get("/v1/audit?actor=" + HELPDESK.substring(0, 4) + "&limit=1000")).get("entries")).as("exact, not a prefix").isEmpty();
        assertThat(ok(get("/v1/audit?actor=" + HELPDESK + "&action=gitops.apply&limit=1000")).get("entries"))
                .hasSize((int) mine.stream().filter(e -> e.get("action").asText().equals("gitops.apply")).count());
    }

    // ---- inventory -----------------------------------------------------------------------------------

    @Test
    void enrollmentCollectsInventoryFromTheDevicesAnswers() {
        SimulatedDevice mac = enrolled(DeviceFacts.Platform.MACOS);
        DeviceFacts f = mac.facts();
        JsonNode inv = inventory(mac.udid());
        JsonNode device = inv.get("device").get("facts");
        assertThat(device.get("serial_number").asText()).isEqualTo(f.serialNumber());
        assertThat(device.get("udid").asText()).isEqualTo(f.udid());
        assertThat(device.get("device_name").asText()).isEqualTo(f.deviceName());
        assertThat(device.get("os").get("version").asText()).isEqualTo(f.osVersion());
        assertThat(device.get("os").get("build").asText()).isEqualTo(f.buildVersion());
        assertThat(device.get("hardware").get("product_name").asText()).isEqualTo(f.productName());
        assertThat(device.get("storage").get("capacity_gb").asDouble()).isGreaterThan(0);
        assertThat(device.get("battery").get("percent").asInt()).isBetween(0, 100);
        assertThat(device.get("management").get("supervised").asBoolean()).isTrue();
        assertThat(inv.get("device").get("collected_at").asText()).isNotEmpty();
        assertThat(inv.get("device").get("age_seconds").asLong()).isGreaterThanOrEqualTo(0);

        JsonNode security = inv.get("security").get("facts");
        assertThat(security.get("passcode_present").asBoolean()).isTrue();
        assertThat(security.get("filevault").get("enabled").asBoolean()).isTrue();
        assertThat(security.get("sip_enabled").asBoolean()).isTrue();
        assertThat(security.get("firewall").get("enabled").asBoolean()).isTrue();
        assertThat(inv.get("apps").get("count").asInt()).isEqualTo(3);

        JsonNode apps = ok(get("/v1/hosts/" + mac.udid() + "/apps")).get("apps");
        assertThat(apps).extracting(a -> a.get("identifier").asText())
                .containsExactlyInAnyOrder("com.apple.Safari", "com.apple.Pages", "com.example.Tool");
        assertThat(apps).allSatisfy(a -> assertThat(a.get("short_version").asText()).matches("\\d+\\.\\d+"));

        JsonNode summary = host(mac.udid()).get("inventory");
        assertThat(summary.get("os_version").asText()).isEqualTo(f.osVersion());
        assertThat(summary.get("filevault_enabled").asBoolean()).isTrue();
        assertThat(summary.get("app_count").asInt()).isEqualTo(3);
        assertThat(summary.get("next_refresh_at").asText()).isNotEmpty();

        // The raw answers stay available, byte for byte what the device sent.
        AdminClient.Reply raw = get("/v1/hosts/" + mac.udid() + "/inventory/device/raw");
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.body()).contains("<key>QueryResponses</key>").contains(f.serialNumber());
        assertThat(get("/v1/hosts/" + mac.udid() + "/inventory/apps/raw").body()).contains("com.apple.Safari");
        refused(get("/v1/hosts/" + mac.udid() + "/inventory/colour/raw"), 404, "colour");
    }

    @Test
    void aRawAnswerIsTheHostsOwnWhenOneCommandWentToSeveralHosts() {
        SimulatedDevice a = enrolled(DeviceFacts.Platform.MACOS);
        SimulatedDevice b = enrolled(DeviceFacts.Platform.IOS);
        String uuid = ok(post("/v1/commands?nopush=1", """
                {"request_type": "DeviceInformation", "queries": ["SerialNumber", "UDID"], "hosts": ["%s", "%s"]}"""
                .formatted(a.udid(), b.udid()))).get("command_uuid").asText();
        a.channel().poll();
        b.channel().poll();
        for (SimulatedDevice d : List.of(a, b)) {
            SimulatedDevice other = d == a ? b : a;
            assertThat(inventory(d.udid()).get("device").get("command_uuid").asText()).isEqualTo(uuid);
            AdminClient.Reply raw = get("/v1/hosts/" + d.udid() + "/inventory/device/raw");
            assertThat(raw.status()).isEqualTo(200);
            assertThat(raw.body()).contains(d.facts().serialNumber()).doesNotContain(other.facts().serialNumber());
        }
    }

    @Test
    void aFilteredAppListUpdatesTheAppsItNamesAndKeepsTheRest() {
        SimulatedDevice mac = enrolled(DeviceFacts.Platform.MACOS);
        JsonNode full = inventory(mac.udid()).get("apps");
        String fullRaw = get("/v1/hosts/" + mac.udid() + "/inventory/apps/raw").body();

        // Nothing on this Mac is managed: the device answers an empty list, which says nothing about the other apps.
        ok(post("/v1/commands?nopush=1", "{\"request_type\": \"InstalledApplicationList\", \"managed_apps_only\": true, "
                + "\"hosts\": [\"" + mac.udid() + "\"]}"));
        assertThat(mac.channel().poll()).extracting(HandledCommand::status).containsExactly("Acknowledged");
        assertThat(ok(get("/v1/hosts/" + mac.udid() + "/apps")).get("apps")).hasSize(3);

        // Asked for two apps by name, the device answers Safari (updated) and not Tool: Tool is gone, Pages stays.
        NSDictionary safari = new NSDictionary();
        safari.put("Identifier", "com.apple.Safari");
        safari.put("Name", "Safari");
        safari.put("ShortVersion", "99.1");
        NSDictionary extra = new NSDictionary();
        extra.put("InstalledApplicationList", new com.dd.plist.NSArray(safari));
        mac.behaviour((type, command) -> "InstalledApplicationList".equals(type) ? Answer.acknowledged(extra) : null);
        ok(post("/v1/commands?nopush=1", "{\"request_type\": \"InstalledApplicationList\", "
                + "\"identifiers\": [\"com.apple.Safari\", \"com.example.Tool\"], \"hosts\": [\"" + mac.udid() + "\"]}"));
        mac.channel().poll();
        mac.behaviour((type, command) -> null);
        JsonNode apps = ok(get("/v1/hosts/" + mac.udid() + "/apps")).get("apps");
        assertThat(apps).extracting(a -> a.get("identifier").asText()).containsExactly("com.apple.Pages", "com.apple.Safari");
        JsonNode updated = apps.get(1);
        assertThat(updated.get("short_version").asText()).isEqualTo("99.1");
        assertThat(updated.get("version").asText()).as("what the filtered answer did not carry stays").isNotEmpty();
        // The source still dates from, and shows, the last full list.
        JsonNode after = inventory(mac.udid()).get("apps");
        assertThat(after.get("command_uuid")).isEqualTo(full.get("command_uuid"));
        assertThat(after.get("collected_at")).isEqualTo(full.get("collected_at"));
        assertThat(get("/v1/hosts/" + mac.udid() + "/inventory/apps/raw").body()).isEqualTo(fullRaw);

        // A full answer replaces the list.
        ok(post("/v1/hosts/" + mac.udid() + "/refetch?nopush=1", null));
        mac.channel().poll();
        assertThat(ok(get("/v1/hosts/" + mac.udid() + "/apps")).get("apps")).hasSize(3);
        assertThat(inventory(mac.udid()).get("apps").get("command_uuid")).isNotEqualTo(full.get("command_uuid"));
    }

    @Test
    void aRealDevicesCapturedAnswerIsParsedAndMergedOverEarlierFacts() throws Exception {
        SimulatedDevice mac = enrolled(DeviceFacts.Platform.MACOS);
        NSDictionary captured;
        try (InputStream in = getClass().getResourceAsStream("/nanomdm/DeviceInformation.1.plist")) {
            captured = (NSDictionary) PropertyListParser.parse(in.readAllBytes());
        }
        NSDictionary extra = new NSDictionary();
        extra.put("QueryResponses", captured.get("QueryResponses"));
        mac.behaviour((type, command) -> "DeviceInformation".equals(type) ? Answer.acknowledged(extra) : null);

        JsonNode queued = ok(post("/v1/hosts/" + mac.udid() + "/refetch?nopush=1", null));
        assertThat(queued.get("command_uuids")).hasSize(3);
        assertThat(types(mac.channel().poll())).containsExactlyElementsOf(INVENTORY);

        JsonNode device = inventory(mac.udid()).get("device");
        assertThat(device.get("command_uuid").asText()).isEqualTo(queued.get("command_uuids").get(0).asText());
        assertThat(device.get("facts").get("hostname").asText()).isEqualTo("fruit.example.com");
        assertThat(device.get("facts").get("udid").asText()).isEqualTo("66ADE930-5FDF-5EC4-8429-15640684C489");
        // The capture answered two keys; what the earlier answer told stays.
        assertThat(device.get("facts").get("serial_number").asText()).isEqualTo(mac.facts().serialNumber());
        assertThat(device.get("facts").get("os").get("version").asText()).isEqualTo(mac.facts().osVersion());
    }

    @Test
    void errorAndNotNowKeepTheOldFactsWithTheirAge() throws Exception {
        SimulatedDevice mac = enrolled(DeviceFacts.Platform.MACOS);
        JsonNode before = inventory(mac.udid());
        Thread.sleep(1100); // ages are in seconds
        mac.behaviour((type, command) -> switch (type) {
            case "DeviceInformation" -> Answer.notNow();
            case "SecurityInfo" -> Answer.error("MCMDMErrorDomain", 12021, "The device is busy.");
            default -> null;
        });
        ok(post("/v1/hosts/" + mac.udid() + "/refetch?nopush=1", null));
        mac.channel().poll();

        JsonNode after = inventory(mac.udid());
        for (String source : List.of("device", "security")) {
            assertThat(after.get(source).get("facts")).isEqualTo(before.get(source).get("facts"));
            assertThat(after.get(source).get("command_uuid")).isEqualTo(before.get(source).get("command_uuid"));
            assertThat(after.get(source).get("collected_at")).isEqualTo(before.get(source).get("collected_at"));
            assertThat(after.get(source).get("age_seconds").asLong()).isGreaterThanOrEqualTo(1);
        }
        // The apps answered: they are fresh, and they do not hide the SecurityInfo failure.
        assertThat(after.get("apps").get("collected_at")).isNotEqualTo(before.get("apps").get("collected_at"));
        assertThat(after.get("last_failure").get("reason").asText()).contains("Error to SecurityInfo", "The device is busy.");

        // Once the device answers, the facts and the failure move on.
        mac.behaviour((type, command) -> null);
        assertThat(types(mac.channel().poll())).containsExactly("DeviceInformation");
        ok(post("/v1/hosts/" + mac.udid() + "/refetch?nopush=1", null));
        assertThat(types(mac.channel().poll())).containsExactlyElementsOf(INVENTORY);
        JsonNode recovered = inventory(mac.udid());
        assertThat(recovered.get("security").get("collected_at")).isNotEqualTo(before.get("security").get("collected_at"));
        assertThat(recovered.has("last_failure")).isFalse();
    }

    @Test
    void refetchOfAHostThatCannotAnswerIsRefused() {
        String tag = tag();
        ok(post("/v1/hosts", "{\"serials\": [\"" + tag + "\"]}"));
        refused(post("/v1/hosts/" + tag + "/refetch", null), 409, "pending enrollment");
        refused(post("/v1/hosts/NO-SUCH-" + tag + "/refetch", null), 404, "no host");
    }

    // ---- history and the command builder ---------------------------------------------------------------

    @Test
    void historyIsNewestFirstPagedWithResultsAsJson() {
        SimulatedDevice phone = enrolled(DeviceFacts.Platform.IOS);
        JsonNode built = ok(post("/v1/commands?nopush=1", """
                {"request_type": "DeviceInformation", "queries": ["SerialNumber", "OSVersion"], "hosts": ["%s"]}"""
                .formatted(phone.facts().serialNumber())));
        String uuid = built.get("command_uuid").asText();
        assertThat(built.get("hosts").get(0).get("enrollment_id").asText()).isEqualTo(phone.udid());
        JsonNode queued = history(phone.udid()).get(0);
        assertThat(queued.get("command_uuid").asText()).isEqualTo(uuid);
        assertThat(queued.get("status").asText()).isEqualTo("Queued");

        assertThat(phone.channel().poll()).extracting(HandledCommand::commandUuid).containsExactly(uuid);
        JsonNode all = history(phone.udid());
        assertThat(all).extracting(c -> c.get("request_type").asText())
                .containsExactly("DeviceInformation", "InstalledApplicationList", "SecurityInfo", "DeviceInformation");
        JsonNode newest = all.get(0);
        assertThat(newest.get("status").asText()).isEqualTo("Acknowledged");
        assertThat(newest.get("result_at").asText()).isNotEmpty();
        JsonNode answers = newest.get("result").get("QueryResponses");
        assertThat(answers.get("SerialNumber").asText()).isEqualTo(phone.facts().serialNumber());
        assertThat(answers.get("OSVersion").asText()).isEqualTo(phone.facts().osVersion());
        assertThat(answers.has("DeviceName")).as("only what was asked").isFalse();

        JsonNode page1 = ok(get("/v1/hosts/" + phone.udid() + "/commands?limit=3"));
        assertThat(page1.get("commands")).hasSize(3);
        JsonNode page2 = ok(get("/v1/hosts/" + phone.udid() + "/commands?limit=3&cursor=" + page1.get("next_cursor").asText()));
        assertThat(page2.get("commands")).hasSize(1);
        assertThat(page2.has("next_cursor")).isFalse();
        assertThat(page2.get("commands").get(0).get("command_uuid")).isEqualTo(all.get(3).get("command_uuid"));
        refused(get("/v1/hosts/" + phone.udid() + "/commands?cursor=x"), 400, "cursor");
    }

    @Test
    void theCommandBuilderRefusesWhatAppleWouldNot() {
        SimulatedDevice mac = enrolled(DeviceFacts.Platform.MACOS);
        String host = "\"hosts\": [\"" + mac.udid() + "\"]";
        refused(post("/v1/commands", "{\"request_type\": \"FlyToTheMoon\", " + host + "}"), 400, "FlyToTheMoon");
        refused(post("/v1/commands", "{\"request_type\": \"ProfileList\", \"colour\": \"red\", " + host + "}"), 400,
                "colour", "managed_only");
        refused(post("/v1/commands", "{\"request_type\": \"DeviceInformation\", \"queries\": [\"Bogus\"], " + host + "}"), 400,
                "Bogus");
        refused(post("/v1/commands", "{\"request_type\": \"DeviceInformation\", " + host + "}"), 400, "queries");
        refused(post("/v1/commands", "{\"request_type\": \"ProfileList\", \"managed_only\": \"yes\", " + host + "}"), 400,
                "ManagedOnly", "true or false");
        refused(post("/v1/commands", "{\"request_type\": \"EraseDevice\", " + host + "}"), 400, "/wipe");
        refused(post("/v1/commands", "{\"request_type\": \"ProfileList\"}"), 400, "hosts");
        refused(post("/v1/commands", "{\"request_type\": \"ProfileList\", \"hosts\": [\"" + mac.udid() + "\", \"nobody-"
                + UUID.randomUUID() + "\"]}"), 404, "nobody-");
        refused(post("/v1/commands", "[1, 2]"), 400);
        assertThat(history(mac.udid())).hasSize(3).allSatisfy(c -> assertThat(INVENTORY).contains(c.get("request_type").asText()));

        // Apple's key names work as well as snake_case.
        JsonNode built = ok(post("/v1/commands?nopush=1", "{\"request_type\": \"ProfileList\", \"ManagedOnly\": true, " + host + "}"));
        assertThat(mac.channel().poll()).extracting(HandledCommand::commandUuid).containsExactly(built.get("command_uuid").asText());
    }

    // ---- remote actions ------------------------------------------------------------------------------

    @Test
    void lockingAMacGeneratesAPinThatIsStoredShownAndAudited() {
        SimulatedDevice mac = enrolled(DeviceFacts.Platform.MACOS);
        long id = host(mac.udid()).get("id").asLong();
        JsonNode locked = ok(post("/v1/hosts/" + mac.facts().serialNumber() + "/lock?nopush=1", "{\"message\": \"Call IT on 555\"}"));
        String pin = locked.get("pin").asText();
        assertThat(pin).matches("\\d{6}");
        String uuid = locked.get("command_uuid").asText();

        assertThat(mac.channel().poll()).extracting(HandledCommand::requestType).containsExactly("DeviceLock");
        assertThat(mac.state().locked()).isTrue();
        assertThat(mac.state().lockPin()).isEqualTo(pin);
        assertThat(mac.state().lockMessage()).isEqualTo("Call IT on 555");
        JsonNode newest = history(mac.udid()).get(0);
        assertThat(newest.get("command_uuid").asText()).isEqualTo(uuid);
        assertThat(newest.get("status").asText()).isEqualTo("Acknowledged");

        JsonNode pins = ok(get("/v1/hosts/" + id + "/pins")).get("pins");
        assertThat(pins.get(0).get("pin").asText()).isEqualTo(pin);
        assertThat(pins.get(0).get("command_uuid").asText()).isEqualTo(uuid);
        JsonNode lockEntry = audit(id, "lock").get(0);
        assertThat(lockEntry.get("actor").asText()).isEqualTo("nanomdm");
        assertThat(lockEntry.get("command_uuid").asText()).isEqualTo(uuid);
        assertThat(lockEntry.toString()).doesNotContain(pin);
        assertThat(audit(id, "pins.view")).hasSize(1);

        refused(post("/v1/hosts/" + mac.udid() + "/lock", "{\"pin\": \"123456\"}"), 400, "pin");
        refused(post("/v1/hosts/" + mac.udid() + "/clear-passcode", null), 403, "ClearPasscode", "macos");
    }

    @Test
    void wipingNeedsTheSerialNumberTypedBack() {
        SimulatedDevice mac = enrolled(DeviceFacts.Platform.MACOS);
        String serial = mac.facts().serialNumber();
        long id = host(mac.udid()).get("id").asLong();
        refused(post("/v1/hosts/" + mac.udid() + "/wipe", null), 400, "confirm");
        refused(post("/v1/hosts/" + mac.udid() + "/wipe", "{\"confirm\": \"WRONG\"}"), 400, "does not match");
        refused(post("/v1/hosts/" + mac.udid() + "/wipe", "{\"confirm\": \"" + serial + "\", \"when\": \"now\"}"), 400, "when");
        refused(post("/v1/hosts/" + mac.udid() + "/wipe", "{\"confirm\": "), 400, "JSON");
        assertThat(history(mac.udid())).noneSatisfy(c -> assertThat(c.get("request_type").asText()).isEqualTo("EraseDevice"));
        assertThat(mac.channel().poll()).isEmpty();

        // Wiped by the helpdesk's own key; a wrong password for that name gets nowhere.
        AdminClient impostor = new AdminClient(server.http, server.baseUri(), HELPDESK, "not-the-helpdesk-key");
        assertThat(impostor.send("POST", "/v1/hosts/" + id + "/wipe?nopush=1", ("{\"confirm\": \"" + serial + "\"}")
                .getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(401);
        AdminClient helpdesk = new AdminClient(server.http, server.baseUri(), HELPDESK, HELPDESK_KEY);
        JsonNode wiped = ok(helpdesk.send("POST", "/v1/hosts/" + id + "/wipe?nopush=1", ("{\"confirm\": \"" + serial + "\"}")
                .getBytes(StandardCharsets.UTF_8)));
        String pin = wiped.get("pin").asText();
        assertThat(pin).matches("\\d{6}");
        assertThat(history(mac.udid()).get(0).get("status").asText()).isEqualTo("Queued");
        assertThat(types(mac.channel().poll())).containsExactly("EraseDevice");
        assertThat(mac.state().erasures()).isEqualTo(1);
        assertThat(mac.state().erasePin()).isEqualTo(pin);
        JsonNode done = history(mac.udid()).get(0);
        assertThat(done.get("command_uuid").asText()).isEqualTo(wiped.get("command_uuid").asText());
        assertThat(done.get("request_type").asText()).isEqualTo("EraseDevice");
        assertThat(done.get("status").asText()).isEqualTo("Acknowledged");
        assertThat(audit(id, "wipe")).singleElement().satisfies(e -> assertThat(e.get("actor").asText()).isEqualTo(HELPDESK));
    }

    @Test
    void restartAndIosActionsWithoutAPin() {
        SimulatedDevice mac = enrolled(DeviceFacts.Platform.MACOS);
        JsonNode restart = ok(post("/v1/hosts/" + mac.udid() + "/restart?nopush=1", "{\"notify_user\": true}"));
        assertThat(restart.has("pin")).isFalse();
        assertThat(types(mac.channel().poll())).containsExactly("RestartDevice");
        assertThat(mac.state().restarts()).isEqualTo(1);
        // This server has no push certificate: the push fails, the command is queued all the same.
        AdminClient.Reply unpushed = post("/v1/hosts/" + mac.udid() + "/restart", null);
        assertThat(unpushed.status()).as(unpushed.body()).isEqualTo(207);
        assertThat(unpushed.json().get("status").get(mac.udid()).get("push_error").asText()).isNotEmpty();
        assertThat(types(mac.channel().poll())).containsExactly("RestartDevice");

        SimulatedDevice phone = enrolled(DeviceFacts.Platform.IOS);
        JsonNode lock = ok(post("/v1/hosts/" + phone.udid() + "/lock?nopush=1", "{\"phone_number\": \"+1 555 0100\"}"));
        assertThat(lock.has("pin")).as("iPhones lock with their own passcode").isFalse();
        JsonNode wipe = ok(post("/v1/hosts/" + phone.udid() + "/wipe?nopush=1",
                "{\"confirm\": \"" + phone.facts().serialNumber() + "\", \"preserve_data_plan\": true}"));
        assertThat(wipe.has("pin")).isFalse();
        assertThat(types(phone.channel().poll())).containsExactly("DeviceLock", "EraseDevice");
        assertThat(phone.state().erasures()).isEqualTo(1);
    }

    @Test
    void clearPasscodeSendsTheUnlockTokenTheIphoneEscrowed() throws Exception {
        SimulatedDevice phone = enrolled(DeviceFacts.Platform.IOS);
        assertThat(host(phone.udid()).get("unlock_token_present").asBoolean()).isTrue();
        JsonNode cleared = ok(post("/v1/hosts/" + phone.facts().serialNumber() + "/clear-passcode?nopush=1", null));
        String uuid = cleared.get("command_uuid").asText();
        AtomicReference<byte[]> sent = new AtomicReference<>();
        phone.behaviour((type, command) -> {
            sent.set(((NSData) command.get("UnlockToken")).bytes());
            return null; // the device itself checks the token against the one it escrowed
        });
        assertThat(phone.channel().poll()).extracting(HandledCommand::status).containsExactly("Acknowledged");
        assertThat(sent.get()).isEqualTo(phone.state().unlockToken());
        phone.behaviour((type, command) -> null);
        assertThat(phone.state().passcodePresent()).isFalse();
        assertThat(history(phone.udid()).get(0).get("status").asText()).isEqualTo("Acknowledged");
        // The next inventory tells the truth about the passcode.
        ok(post("/v1/hosts/" + phone.udid() + "/refetch?nopush=1", null));
        phone.channel().poll();
        assertThat(inventory(phone.udid()).get("security").get("facts").get("passcode_present").asBoolean()).isFalse();
    }

    @Test
    void userEnrollmentHostsRefuseLockWipeAndClearPasscode() {
        SimulatedDevice byod = userEnrolledIphone();
        byod.enroll();
        assertThat(types(byod.channel().poll())).containsExactlyElementsOf(INVENTORY);
        JsonNode h = host(byod.enrollmentId());
        assertThat(h.get("enrollment_type").asText()).isEqualTo("User Enrollment (Device)");
        assertThat(h.has("serial_number")).as("User Enrollment hides the serial").isFalse();
        assertThat(h.get("unlock_token_present").asBoolean()).isFalse();
        assertThat(inventory(byod.enrollmentId()).get("device").get("facts").get("os").get("version").asText())
                .isEqualTo(byod.facts().osVersion());

        String ref = "/v1/hosts/" + h.get("id").asLong();
        refused(post(ref + "/lock", null), 403, "DeviceLock", "User Enrollment");
        refused(post(ref + "/wipe", "{\"confirm\": \"" + byod.facts().serialNumber() + "\"}"), 403, "EraseDevice", "User Enrollment");
        refused(post(ref + "/clear-passcode", null), 403, "ClearPasscode", "User Enrollment");
        refused(post(ref + "/restart", null), 403, "RestartDevice", "User Enrollment");
        assertThat(byod.channel().poll()).isEmpty();
        assertThat(history(byod.enrollmentId())).hasSize(3);
        assertThat(audit(h.get("id").asLong(), "lock")).isEmpty();
    }

    @Test
    void actionsOnHostsThatCannotTakeThemAreRefused() {
        String tag = tag();
        ok(post("/v1/hosts", "{\"serials\": [\"" + tag + "\"]}"));
        refused(post("/v1/hosts/" + tag + "/lock", null), 409, "pending enrollment");
        SimulatedDevice phone = enrolled(DeviceFacts.Platform.IOS);
        assertThat(phone.channel().checkOut().status()).isEqualTo(200);
        assertThat(host(phone.udid()).get("status").asText()).isEqualTo("unenrolled");
        refused(post("/v1/hosts/" + phone.udid() + "/lock", null), 409, "not enrolled");
        refused(post("/v1/commands", "{\"request_type\": \"ProfileList\", \"hosts\": [\"" + phone.udid() + "\"]}"), 409, "not enrolled");
        Set<String> seen = new HashSet<>();
        history(phone.udid()).forEach(c -> seen.add(c.get("request_type").asText()));
        assertThat(seen).containsExactlyInAnyOrderElementsOf(INVENTORY);
    }

    // ---- audit of the raw API and limits ---------------------------------------------------------------

    @Test
    void aRawEnqueueIsAuditedLikeABuiltCommand() {
        SimulatedDevice mac = enrolled(DeviceFacts.Platform.MACOS);
        SimulatedDevice phone = enrolled(DeviceFacts.Platform.IOS);
        long id = host(mac.udid()).get("id").asLong();
        Commands.Built one = Commands.of("ProfileList");
        AdminClient helpdesk = new AdminClient(server.http, server.baseUri(), HELPDESK, HELPDESK_KEY);
        assertThat(helpdesk.enqueue(one.plist(), List.of(mac.udid()), true).status()).isEqualTo(200);
        JsonNode entry = audit(id, "command").get(0);
        assertThat(entry.get("actor").asText()).isEqualTo(HELPDESK);
        assertThat(entry.get("command_uuid").asText()).isEqualTo(one.commandUuid());
        assertThat(entry.get("target").asText()).isEqualTo(mac.udid());
        assertThat(entry.get("detail").get("request_type").asText()).isEqualTo("ProfileList");

        Commands.Built both = Commands.of("SecurityInfo");
        assertThat(admin.enqueue(both.plist(), List.of(mac.udid(), phone.udid()), true).status()).isEqualTo(200);
        List<JsonNode> all = new ArrayList<>();
        ok(get("/v1/audit?action=command&limit=1000")).get("entries").forEach(all::add);
        assertThat(all).filteredOn(e -> both.commandUuid().equals(e.get("command_uuid").asText())).singleElement()
                .satisfies(e -> assertThat(e.get("target").asText()).contains(mac.udid(), phone.udid()));
        // A refused enqueue queued nothing and is not audited.
        Commands.Built unknown = Commands.of("ProfileList");
        assertThat(admin.enqueue(unknown.plist(), List.of("nobody-" + UUID.randomUUID()), true).status()).isEqualTo(404);
        assertThat(all.size()).isEqualTo(ok(get("/v1/audit?action=command&limit=1000")).get("entries").size());
    }

    @Test
    void aClientNoteIsAuditedUnderTheCallersNameInTheGitopsNamespaceOnly() {
        AdminClient helpdesk = new AdminClient(server.http, server.baseUri(), HELPDESK, HELPDESK_KEY);
        String note = "apply " + tag();
        AdminClient.Reply r = helpdesk.send("POST", "/v1/audit", ("{\"action\": \"gitops.apply\", \"note\": \"" + note
                + "\", \"detail\": {\"changes\": [\"update profile com.example.wifi\"], \"actor\": \"someone-else\"}}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        List<JsonNode> entries = new ArrayList<>();
        ok(get("/v1/audit?action=gitops.apply&limit=1000")).get("entries").forEach(entries::add);
        JsonNode entry = entries.stream().filter(e -> note.equals(e.get("detail").get("note").asText())).findFirst().orElseThrow();
        assertThat(entry.get("actor").asText()).isEqualTo(HELPDESK);
        assertThat(entry.get("detail").get("changes").get(0).asText()).isEqualTo("update profile com.example.wifi");

        int before = ok(get("/v1/audit?limit=1000")).get("entries").size();
        refused(post("/v1/audit", "{\"action\": \"hosts.delete\"}"), 400, "gitops.");
        refused(post("/v1/audit", "{\"action\": \"gitops.apply\", \"note\": \"" + "x".repeat(1025) + "\"}"), 400, "1024");
        refused(post("/v1/audit", "{\"action\": \"gitops.apply\", \"detail\": [1]}"), 400, "object");
        refused(post("/v1/audit", "{\"action\": \"gitops.apply\", \"who\": \"x\"}"), 400, "unknown field");
        refused(post("/v1/audit", "{\"action\": \"gitops.apply\", \"detail\": {\"d\": \"" + "y".repeat(16_001) + "\"}}"), 400, "16000");
        assertThat(ok(get("/v1/audit?limit=1000")).get("entries").size()).isEqualTo(before);
    }

    @Test
    void tamperedCursorsAndOverlongTextAreRefused() {
        SimulatedDevice mac = enrolled(DeviceFacts.Platform.MACOS);
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        for (String json : List.of("[\"id\", \"abc\", 1]", "[\"serial_number\", 5, 1]", "[\"id\", 1, \"x\"]",
                "[\"-last_seen\", 1.5, 2]", "{}")) {
            String sort = json.contains("serial") ? "&sort=serial_number" : json.contains("last_seen") ? "&sort=-last_seen" : "";
            refused(get("/v1/hosts?cursor=" + b64.encodeToString(json.getBytes(StandardCharsets.UTF_8)) + sort), 400, "cursor");
        }
        String longText = "x".repeat(1025);
        refused(post("/v1/hosts/" + mac.udid() + "/lock?nopush=1", "{\"message\": \"" + longText + "\"}"), 400, "Message", "1024");
        refused(post("/v1/commands?nopush=1", "{\"request_type\": \"RemoveProfile\", \"identifier\": \"" + longText + "\", "
                + "\"hosts\": [\"" + mac.udid() + "\"]}"), 400, "Identifier", "1024");
        assertThat(ok(post("/v1/hosts/" + mac.udid() + "/lock?nopush=1", "{\"message\": \"" + "x".repeat(1024) + "\"}"))
                .get("command_uuid").asText()).isNotEmpty();
    }
}
