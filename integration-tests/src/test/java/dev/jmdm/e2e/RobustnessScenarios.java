package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.PropertyListParser;
import dev.jmdm.e2e.fuzz.FuzzBudget;
import dev.jmdm.e2e.fuzz.FuzzRun;
import dev.jmdm.e2e.fuzz.JsonMutator;
import dev.jmdm.e2e.fuzz.PlistMutator;
import dev.jmdm.e2e.fuzz.StoredState;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.MdmSigner;
import dev.jmdm.sim.SimulatedDevice;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The robustness suite: seeded mutations of real device messages (check-ins and command answers,
 * signed with the device's own identity so they reach the parser and the stores, plus a slice
 * unsigned or badly signed), of admin JSON bodies, raw command plists, migrated check-ins and
 * {@code .mobileconfig} uploads. Every answer must be below 500, the log must stay free of ERRORs
 * and stack traces, and a refused input must write nothing to any table (see {@link FuzzRun}).
 * {@link FuzzBudget} sets the number of inputs (5,000 per engine by default) and the seed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class RobustnessScenarios extends ServerScenarios {
    private static final String FIXTURES = "/fuzz/";
    /** Answers to command types, each from a real device or Apple's examples, by the command they answer. */
    private static final Map<String, String> ANSWERS = Map.of(
            "apple/information.device-example2.plist", "DeviceInformation",
            "nanomdm/DeviceInformation.1.plist", "DeviceInformation",
            "apple/information.security-example2.plist", "SecurityInfo",
            "apple/application.installed.list-example2.plist", "InstalledApplicationList",
            "apple/profile.list-example2.plist", "ProfileList",
            "apple/certificate.list-example2.plist", "CertificateList",
            "apple/device.lock-example2.plist", "DeviceLock",
            "apple/profile.install-example2.plist", "InstallProfile");
    private static final List<String> CHECKINS = List.of("nanomdm/Authenticate.1.plist", "nanomdm/Authenticate.2.plist",
            "nanomdm/TokenUpdate.1.plist", "nanomdm/TokenUpdate.2.plist");
    private static final List<String> COMMANDS = List.of("apple/device.erase-example1.plist", "apple/device.lock-example1.plist",
            "apple/information.device-example1.plist", "apple/profile.list-example1.plist", "apple/profile.remove-example1.plist");
    private static final List<String> PROFILES = List.of("nanomdm/enroll.mobileconfig", "jmdm/wifi.mobileconfig",
            "jmdm/dock-and-certificate.mobileconfig");

    private final FuzzBudget budget = FuzzBudget.fromEnvironment();
    private final List<String> summaries = new java.util.ArrayList<>();
    private StoredState state;
    private CapturedLogs logs;

    /**
     * The server without its timers (profile sweep, ProfileList schedule, re-push), as the load benchmark runs it:
     * background work that changes tables between two inputs would look like a refused input changing them.
     */
    @Override
    @BeforeAll
    void startServer() throws Exception {
        server = new TestServer(engine(), java.nio.file.Files.createTempDirectory("jmdm-fuzz"),
                Map.of("MDM_PROFILE_SWEEP", "0", "MDM_PROFILE_LIST_EVERY", "0", "MDM_REPUSH_AFTER", "0", "MDM_POLICY_SWEEP", "0"));
        admin = server.admin;
        state = new StoredState(server.jdbcUrl());
        logs = new CapturedLogs();
    }

    @AfterAll
    void closeState() {
        if (logs != null) {
            logs.close();
        }
        if (state != null) {
            state.close();
        }
        summaries.forEach(s -> System.out.println("[" + engine() + "] " + s));
    }

    private FuzzRun run(String part) {
        FuzzRun run = new FuzzRun(part, budget.seed(), state, logs::errorsAndStackTraces, logs::stderr);
        run.acceptedAndSettled(); // the setup's own background work (say a reconciliation after enrolling) ends first
        return run;
    }

    private void finish(FuzzRun run, int expected) {
        run.end();
        summaries.add(run.summary());
        System.out.println("[" + engine() + "] " + run.summary());
        assertThat(run.findings()).as(run.summary()).isEmpty();
        assertThat(run.inputs()).isGreaterThanOrEqualTo(expected);
    }

    private Random random(String part) {
        return new Random(budget.seed() ^ part.hashCode());
    }

    static NSDictionary fixture(String name) {
        try (InputStream in = RobustnessScenarios.class.getResourceAsStream(FIXTURES + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return (NSDictionary) PropertyListParser.parse(in.readAllBytes());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read fixture " + name, e);
        }
    }

    /**
     * The stored-data check is only worth its cost if it fails: a stored value changed while a refused input was
     * being answered is a finding naming the table, and the full fingerprint sees the change too.
     */
    @Test
    @Order(0)
    void theStoredDataCheckSeesAChangedRow() {
        enrolledMac();
        FuzzRun run = run("self-check");
        StoredState.Snapshot before = state.take();
        StoredState.Tampered t = state.tamper("hosts", "udid");
        try {
            assertThat(state.take().changedSince(before)).containsExactly("hosts");
            run.check(0, "self-check", new byte[0], 400, "{\"error\": \"refused\"}");
            assertThat(run.findings()).singleElement().asString().contains("refused with 400").contains("[hosts]");
        } finally {
            state.restore(t);
        }
        run.accepted();
        run.check(1, "self-check", new byte[0], 400, "{\"error\": \"refused\"}");
        assertThat(run.findings()).hasSize(1);
    }

    // ---- device requests ----

    /** How a fuzzed device request proves who sent it: mostly properly, sometimes not at all or wrongly. */
    private String signatureFor(SimulatedDevice device, byte[] body, Random r) {
        int roll = r.nextInt(100);
        if (roll < 4) {
            return null;
        }
        if (roll < 7) {
            return new MdmSigner(server.identity("stranger"), MdmSigner.Encoding.DER).sign(body);
        }
        String good = new MdmSigner(device.identity(), r.nextBoolean() ? MdmSigner.Encoding.BER : MdmSigner.Encoding.DER).sign(body);
        if (roll < 10) {
            char[] c = good.toCharArray();
            for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                c[r.nextInt(c.length)] = "AZaz09+/=!".charAt(r.nextInt(10));
            }
            return new String(c);
        }
        return good;
    }

    private HttpResponse<String> deviceRequest(boolean checkin, byte[] body, String signature) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.baseUri().resolve("/mdm")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", checkin ? "application/x-apple-aspen-mdm-checkin" : "application/xml")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            b.header("Mdm-Signature", signature);
        }
        return server.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A real check-in, rewritten to speak for this device, so it passes the identity check and reaches the stores. */
    private NSDictionary checkinSeed(String name, SimulatedDevice device) {
        NSDictionary m = fixture(name);
        m.put("UDID", device.udid());
        m.put("Topic", TestServer.TOPIC);
        if (m.containsKey("SerialNumber")) {
            m.put("SerialNumber", device.facts().serialNumber());
        }
        return m;
    }

    /** The check-in types the fixtures lack, built from a real TokenUpdate's keys. */
    private NSDictionary derivedCheckin(SimulatedDevice device, Random r) {
        NSDictionary m = checkinSeed("nanomdm/TokenUpdate.2.plist", device);
        String type = List.of("CheckOut", "SetBootstrapToken", "GetBootstrapToken", "UserAuthenticate", "DeclarativeManagement")
                .get(r.nextInt(5));
        m.put("MessageType", type);
        if (type.equals("SetBootstrapToken")) {
            m.put("BootstrapToken", new com.dd.plist.NSData(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
        }
        if (type.equals("UserAuthenticate")) {
            m.put("UserID", UUID.randomUUID().toString().toUpperCase());
            m.put("UserShortName", "fuzz");
            m.put("UserLongName", "Fuzz User");
        }
        return m;
    }

    private SimulatedDevice healed(SimulatedDevice device) {
        try {
            device.enroll();
            return device;
        } catch (RuntimeException e) {
            // The fuzz may legitimately have moved its certificate elsewhere (CheckOut, then an Authenticate for
            // another UDID): carry on with a new device.
            return enrolledMac();
        }
    }

    @Test
    @Order(1)
    void mutatedCheckinsSignedByTheDeviceAreAnsweredCleanly() throws Exception {
        Random r = random("checkin");
        PlistMutator mutator = new PlistMutator(r);
        SimulatedDevice device = enrolledMac();
        FuzzRun run = run("check-in");
        int count = budget.share(0.30);
        for (int n = 0; n < count; n++) {
            NSDictionary seed = r.nextInt(5) == 0 ? derivedCheckin(device, r) : checkinSeed(CHECKINS.get(r.nextInt(CHECKINS.size())), device);
            // Only these unbind or disable the device; after other check-ins it is still enrolled
            boolean disruptive = !"TokenUpdate".equals(seed.get("MessageType").toString());
            byte[] body = mutator.mutate(seed);
            String signature = signatureFor(device, body, r);
            HttpResponse<String> answer = deviceRequest(true, body, signature);
            boolean taken = run.check(n, "PUT /mdm (check-in, Mdm-Signature " + signature + ")", body, answer.statusCode(), answer.body());
            // a mutation may have made any message a CheckOut: heal now and then whatever the seed was
            if ((taken && disruptive) || n % 100 == 99) {
                device = healed(device);
                run.acceptedAndSettled();
            }
        }
        finish(run, count);
    }

    /** An answer the fixtures lack: Error with an ErrorChain, NotNow, CommandFormatError, Idle (Apple's schema). */
    private static NSDictionary derivedReport(Random r) {
        NSDictionary m = new NSDictionary();
        String status = List.of("Error", "NotNow", "CommandFormatError", "Idle").get(r.nextInt(4));
        m.put("Status", status);
        if (status.equals("Error")) {
            NSDictionary e = new NSDictionary();
            e.put("ErrorCode", 12021);
            e.put("ErrorDomain", "MCMDMErrorDomain");
            e.put("LocalizedDescription", "The device could not complete the request.");
            e.put("USEnglishDescription", "The device could not complete the request.");
            m.put("ErrorChain", new NSArray(e));
        }
        return m;
    }

    @Test
    @Order(2)
    void mutatedCommandAnswersToQueuedCommandsAreAnsweredCleanly() throws Exception {
        Random r = random("report");
        PlistMutator mutator = new PlistMutator(r);
        SimulatedDevice device = enrolledMac();
        FuzzRun run = run("command answer");
        List<String> answers = List.copyOf(new java.util.TreeSet<>(ANSWERS.keySet()));
        Map<String, String> waiting = new HashMap<>(); // request type -> a queued command not yet answered
        int count = budget.share(0.30);
        for (int n = 0; n < count; n++) {
            NSDictionary seed;
            String requestType;
            if (r.nextInt(5) == 0) {
                seed = derivedReport(r);
                requestType = List.of("DeviceInformation", "SecurityInfo", "InstalledApplicationList", "ProfileList").get(r.nextInt(4));
            } else {
                String name = answers.get(r.nextInt(answers.size()));
                seed = fixture(name);
                requestType = ANSWERS.get(name);
            }
            String uuid = waiting.get(requestType);
            if (uuid == null) {
                Commands.Built c = Commands.of(requestType);
                AdminClient.Reply queued = admin.enqueue(c.plist(), List.of(device.enrollmentId()), true);
                assertThat(queued.status()).as(queued.body()).isEqualTo(200);
                uuid = c.commandUuid();
                waiting.put(requestType, uuid);
                run.accepted();
            }
            seed.put("UDID", device.udid());
            seed.put("CommandUUID", uuid);
            byte[] body = mutator.mutate(seed);
            String signature = signatureFor(device, body, r);
            HttpResponse<String> answer = deviceRequest(false, body, signature);
            if (run.check(n, "PUT /mdm (command answer, Mdm-Signature " + signature + ")", body, answer.statusCode(), answer.body())) {
                waiting.remove(requestType);
                if (n % 50 == 0) {
                    device = healed(device);
                    run.accepted();
                }
            }
        }
        finish(run, count);
    }

    // ---- admin requests ----

    /** Admin calls with a real body each: the path, then the JSON (HOST and SERIAL stand for an enrolled host). */
    private static final String[][] JSON_CALLS = {
        {"POST", "/v1/commands?nopush=1", "{\"request_type\": \"DeviceInformation\", \"queries\": [\"OSVersion\", \"BatteryLevel\"], \"hosts\": [\"HOST\"]}"},
        {"POST", "/v1/commands?nopush=1", "{\"request_type\": \"InstalledApplicationList\", \"identifiers\": [\"com.apple.Safari\"], \"managed_apps_only\": false, \"hosts\": [\"SERIAL\"]}"},
        {"POST", "/v1/commands?nopush=1", "{\"request_type\": \"RemoveProfile\", \"identifier\": \"com.example.wifi\", \"hosts\": [\"HOST\"]}"},
        {"POST", "/v1/commands?nopush=1", "{\"request_type\": \"ProfileList\", \"hosts\": [\"HOST\", \"SERIAL\"]}"},
        {"POST", "/v1/commands?nopush=1", "{\"RequestType\": \"SecurityInfo\", \"hosts\": [\"HOST\"]}"},
        {"PUT", "/v1/groups/fuzz", "{\"hosts\": [\"HOST\", \"SERIAL\", 1]}"},
        {"PUT", "/v1/profiles/com.example.jmdm.wifi/targets",
            "{\"all\": false, \"groups\": [\"office\"], \"hosts\": [\"HOST\"], \"exclude_groups\": [], \"exclude_hosts\": [\"SERIAL\"]}"},
        {"POST", "/v1/enrollment-links", "{\"expires_at\": \"2030-01-01T00:00:00Z\", \"max_uses\": 3, \"note\": \"alice\"}"},
        {"POST", "/v1/hosts", "{\"serials\": [\"C02XK1ABCDEF\", \"F5JM992LF193\"]}"},
        {"POST", "/v1/hosts/HOST/lock?nopush=1", "{\"message\": \"Please call IT\", \"phone_number\": \"+1 555 0100\"}"},
        {"POST", "/v1/hosts/HOST/wipe?nopush=1", "{\"confirm\": \"not-the-serial\", \"obliteration_behavior\": \"Default\"}"},
        {"POST", "/v1/hosts/HOST/restart?nopush=1", "{\"notify_user\": true}"},
        {"POST", "/v1/enrollments/HOST/certificate/renewal?hours=24", "{}"},
    };

    private boolean triggersReconcile(String path) {
        return path.startsWith("/v1/profiles") || path.startsWith("/v1/groups");
    }

    private SimulatedDevice adminHost() {
        SimulatedDevice host = enrolledMac();
        assertThat(admin.send("PUT", "/v1/groups/office", ("{\"hosts\": [\"" + host.udid() + "\"]}").getBytes(StandardCharsets.UTF_8))
                .status()).isEqualTo(200);
        return host;
    }

    @Test
    @Order(3)
    void mutatedAdminJsonIsAnsweredCleanly() {
        Random r = random("admin-json");
        JsonMutator mutator = new JsonMutator(r);
        SimulatedDevice host = adminHost();
        FuzzRun run = run("admin JSON");
        int count = budget.share(0.20);
        for (int n = 0; n < count; n++) {
            String[] call = JSON_CALLS[r.nextInt(JSON_CALLS.length)];
            String path = call[1].replace("HOST", host.udid());
            byte[] body = mutator.mutate(call[2].replace("HOST", host.udid()).replace("SERIAL", host.facts().serialNumber()));
            AdminClient.Reply reply = admin.send(call[0], path, body);
            if (run.check(n, call[0] + " " + path, body, reply.status(), reply.body()) && triggersReconcile(path)) {
                run.acceptedAndSettled();
            }
        }
        finish(run, count);
    }

    @Test
    @Order(4)
    void mutatedCommandPlistsAndMigratedCheckinsAreAnsweredCleanly() {
        Random r = random("admin-plist");
        PlistMutator mutator = new PlistMutator(r);
        SimulatedDevice host = adminHost();
        FuzzRun run = run("enqueue and migration");
        int count = budget.share(0.12);
        for (int n = 0; n < count; n++) {
            boolean migration = r.nextBoolean();
            NSDictionary seed;
            String path;
            if (migration) {
                seed = fixture(CHECKINS.get(r.nextInt(CHECKINS.size())));
                seed.put("UDID", UUID.randomUUID().toString().toUpperCase());
                seed.put("Topic", TestServer.TOPIC);
                seed.remove("SerialNumber");
                path = "/migration";
            } else {
                seed = fixture(COMMANDS.get(r.nextInt(COMMANDS.size())));
                seed.put("CommandUUID", UUID.randomUUID().toString());
                path = "/v1/enqueue/" + host.udid() + "?nopush=1";
            }
            byte[] body = mutator.mutate(seed);
            AdminClient.Reply reply = admin.send(migration ? "POST" : "PUT", path, body);
            run.check(n, path, body, reply.status(), reply.body());
        }
        finish(run, count);
    }

    @Test
    @Order(5)
    void mutatedMobileconfigUploadsAreAnsweredCleanly() {
        Random r = random("mobileconfig");
        PlistMutator mutator = new PlistMutator(r);
        adminHost();
        FuzzRun run = run("mobileconfig");
        int count = budget.share(0.08);
        for (int n = 0; n < count; n++) {
            NSObject seed = fixture(PROFILES.get(r.nextInt(PROFILES.size())));
            byte[] body = mutator.mutate(seed);
            AdminClient.Reply reply = admin.send("POST", "/v1/profiles", body);
            if (run.check(n, "POST /v1/profiles", body, reply.status(), reply.body())) {
                run.acceptedAndSettled();
            }
        }
        finish(run, count);
    }
}
