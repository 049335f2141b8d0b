package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.ServerReply;
import dev.jmdm.sim.SimulatedDevice;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bootstrap tokens, UnlockTokens and lock/wipe PINs are sealed in the database (the raw columns are read
 * here) and still reach whoever may have them: the Mac through GetBootstrapToken, the admin through the
 * API, the iPhone inside ClearPasscode. Values from before sealing are sealed at the next start; a sealed
 * value moved to another row does not open; a server with another key starts and says what it cannot open.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SecretsAtRestScenarios {
    static final String KEY = "secrets-at-rest-key-one";
    static final String SEALED = "sealed:v2:";
    private static final SecureRandom RANDOM = new SecureRandom();

    TestServer server;
    AdminClient admin;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void startServer() throws Exception {
        server = new TestServer(engine(), Files.createTempDirectory("jmdm-secrets"), new HashMap<>(Map.of("MDM_SECRET_KEY", KEY)));
        admin = server.admin;
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** The UnlockToken in a real iPad's TokenUpdate (nanomdm's testdata). */
    static byte[] realUnlockToken() throws Exception {
        try (InputStream in = SecretsAtRestScenarios.class.getResourceAsStream("/nanomdm/TokenUpdate.1.plist")) {
            return ((NSData) ((NSDictionary) PropertyListParser.parse(in)).get("UnlockToken")).bytes();
        }
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static SimulatedDevice enrolled(TestServer s, SimulatedDevice d) {
        d.enroll();
        assertThat(d.channel().poll()).isEmpty();
        return d;
    }

    /** The value read once done says so, or after 30 s. */
    static <T> T eventually(java.util.function.Supplier<T> read, java.util.function.Predicate<T> done) throws InterruptedException {
        long until = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        T value = read.get();
        while (!done.test(value) && System.nanoTime() < until) {
            Thread.sleep(50);
            value = read.get();
        }
        return value;
    }

    /** Sealed, and neither the value nor its base64 appears in what is stored. */
    static void assertSealed(byte[] stored, byte[] plaintext) {
        assertThat(stored).isNotNull();
        String text = new String(stored, StandardCharsets.ISO_8859_1);
        assertThat(text).startsWith(SEALED)
                .doesNotContain(new String(plaintext, StandardCharsets.ISO_8859_1))
                .doesNotContain(Base64.getEncoder().encodeToString(plaintext));
    }

    static byte[] bootstrapToken(SimulatedDevice mac) throws Exception {
        ServerReply got = mac.channel().getBootstrapToken();
        assertThat(got.status()).as(got.text()).isEqualTo(200);
        NSData token = (NSData) ((NSDictionary) PropertyListParser.parse(got.body())).get("BootstrapToken");
        return token == null ? null : token.bytes();
    }

    static AdminClient.Reply post(TestServer s, String path) {
        return s.admin.send("POST", path, "{}".getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode ok(AdminClient.Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static JsonNode pins(TestServer s, SimulatedDevice mac) {
        return ok(s.admin.send("GET", "/v1/hosts/" + mac.udid() + "/pins", null)).get("pins");
    }

    /** The UnlockToken a ClearPasscode queued for the phone carries. */
    static byte[] clearPasscodeToken(TestServer s, SimulatedDevice phone) {
        String uuid = ok(post(s, "/v1/hosts/" + phone.udid() + "/clear-passcode?nopush=1")).get("command_uuid").asText();
        AtomicReference<byte[]> sent = new AtomicReference<>();
        phone.behaviour((type, command) -> {
            sent.set(((NSData) command.get("UnlockToken")).bytes());
            return null;
        });
        assertThat(phone.channel().poll()).extracting(HandledCommand::requestType).containsExactly("ClearPasscode");
        phone.behaviour((type, command) -> null);
        // The queue holds the command sealed, like the token it carries.
        assertSealed(s.queryBytes("SELECT command FROM commands WHERE command_uuid = ?", uuid), sent.get());
        return sent.get();
    }

    /** A 503 with a JSON error naming the key: the server's configuration, not the request, is at fault. */
    static void unreadable(int status, String body, String what) {
        assertThat(status).as(body).isEqualTo(503);
        assertThat(body).contains("\"error\"", what, "MDM_SECRET_KEY");
    }

    // ---- scenarios -----------------------------------------------------------------------------------

    @Test
    void aBootstrapTokenIsStoredSealedAndGetBootstrapTokenReturnsIt() throws Exception {
        SimulatedDevice mac = enrolled(server, server.newMac());
        byte[] token = random(2048);
        assertThat(mac.channel().setBootstrapToken(token).status()).isEqualTo(200);

        assertSealed(server.queryBytes("SELECT bootstrap_token FROM devices WHERE id = ?", mac.udid()), token);
        assertThat(bootstrapToken(mac)).isEqualTo(token);

        // An empty token removes it: NULL still means none.
        assertThat(mac.channel().setBootstrapToken(new byte[0]).status()).isEqualTo(200);
        assertThat(server.queryBytes("SELECT bootstrap_token FROM devices WHERE id = ?", mac.udid())).isNull();
        assertThat(bootstrapToken(mac)).isNull();
    }

    @Test
    void theUnlockTokenOfARealTokenUpdateIsStoredSealedAndClearPasscodeCarriesIt() throws Exception {
        SimulatedDevice phone = enrolled(server, server.newIphone());
        byte[] token = realUnlockToken();
        assertThat(phone.channel().tokenUpdate(Map.of("UnlockToken", new NSData(token))).status()).isEqualTo(200);

        assertSealed(server.queryBytes("SELECT unlock_token FROM devices WHERE id = ?", phone.udid()), token);
        // The API says whether there is one, never what it is.
        JsonNode host = ok(admin.send("GET", "/v1/hosts/" + phone.udid(), null));
        assertThat(host.get("unlock_token_present").asBoolean()).isTrue();
        assertThat(host.toString()).doesNotContain(Base64.getEncoder().encodeToString(token).substring(0, 40));
        assertThat(clearPasscodeToken(server, phone)).isEqualTo(token);
    }

    @Test
    void lockAndWipePinsAreStoredSealedAndReadableThroughTheApi() {
        SimulatedDevice mac = enrolled(server, server.newMac());
        JsonNode locked = ok(post(server, "/v1/hosts/" + mac.udid() + "/lock?nopush=1"));
        String pin = locked.get("pin").asText();
        assertThat(mac.channel().poll()).extracting(HandledCommand::requestType).containsExactly("DeviceLock");
        assertThat(mac.state().lockPin()).isEqualTo(pin);
        JsonNode wiped = ok(server.admin.send("POST", "/v1/hosts/" + mac.udid() + "/wipe?nopush=1",
                ("{\"confirm\": \"" + mac.facts().serialNumber() + "\"}").getBytes(StandardCharsets.UTF_8)));
        String wipePin = wiped.get("pin").asText();

        for (JsonNode action : new JsonNode[] {locked, wiped}) {
            String stored = server.queryString("SELECT pin FROM host_pins WHERE command_uuid = ?", action.get("command_uuid").asText());
            assertThat(stored).startsWith(SEALED).doesNotContain(action.get("pin").asText());
            // The DeviceLock and EraseDevice in the queue carry the PIN too: sealed as well.
            assertSealed(server.queryBytes("SELECT command FROM commands WHERE command_uuid = ?", action.get("command_uuid").asText()),
                    action.get("pin").asText().getBytes(StandardCharsets.UTF_8));
        }
        JsonNode pins = pins(server, mac);
        assertThat(pins).extracting(p -> p.get("pin").asText()).containsExactlyInAnyOrder(pin, wipePin);
        assertThat(pins).allSatisfy(p -> assertThat(p.has("pin_error")).isFalse());
        assertThat(mac.channel().poll()).extracting(HandledCommand::requestType).containsExactly("EraseDevice");
        assertThat(mac.state().erasePin()).isEqualTo(wipePin);
    }

    @Test
    void aSealedValueMovedToAnotherRowDoesNotOpen() throws Exception {
        SimulatedDevice victim = enrolled(server, server.newMac());
        SimulatedDevice thief = enrolled(server, server.newMac());
        byte[] token = random(256);
        assertThat(victim.channel().setBootstrapToken(token).status()).isEqualTo(200);
        server.sql("UPDATE devices SET bootstrap_token = ? WHERE id = ?",
                server.queryBytes("SELECT bootstrap_token FROM devices WHERE id = ?", victim.udid()), thief.udid());
        ServerReply stolen = thief.channel().getBootstrapToken();
        unreadable(stolen.status(), stolen.text(), "bootstrap token");
        assertThat(stolen.text()).doesNotContain(Base64.getEncoder().encodeToString(token));
        assertThat(bootstrapToken(victim)).isEqualTo(token);

        SimulatedDevice phone = enrolled(server, server.newIphone());
        SimulatedDevice otherPhone = enrolled(server, server.newIphone());
        server.sql("UPDATE devices SET unlock_token = ? WHERE id = ?",
                server.queryBytes("SELECT unlock_token FROM devices WHERE id = ?", phone.udid()), otherPhone.udid());
        AdminClient.Reply clear = post(server, "/v1/hosts/" + otherPhone.udid() + "/clear-passcode?nopush=1");
        unreadable(clear.status(), clear.body(), "UnlockToken");
        assertThat(otherPhone.channel().poll()).as("nothing queued").isEmpty();

        // One PIN copied over another of the same host: that one does not open, the others still list.
        SimulatedDevice mac = enrolled(server, server.newMac());
        String first = ok(post(server, "/v1/hosts/" + mac.udid() + "/lock?nopush=1")).get("command_uuid").asText();
        String second = ok(post(server, "/v1/hosts/" + mac.udid() + "/lock?nopush=1")).get("command_uuid").asText();
        server.sql("UPDATE host_pins SET pin = ? WHERE command_uuid = ?",
                server.queryString("SELECT pin FROM host_pins WHERE command_uuid = ?", first), second);
        JsonNode pins = pins(server, mac);
        JsonNode moved = pins.findParents("command_uuid").stream().filter(p -> p.get("command_uuid").asText().equals(second)).findFirst().orElseThrow();
        assertThat(moved.hasNonNull("pin")).isFalse();
        assertThat(moved.get("pin_error").asText()).contains("another row");
        assertThat(pins.findParents("command_uuid").stream().filter(p -> p.get("command_uuid").asText().equals(first)).findFirst().orElseThrow()
                .get("pin").asText()).matches("\\d{6}");
    }

    /**
     * Damaged stored bytes (a truncated or garbled sealed value, as a bad restore or a hand edit leaves them) are
     * the server's problem, not the request's: a 503 whose JSON names the value and says it is damaged, no stack
     * trace, and nothing else of the device lost (its other secrets, its commands, its check-ins).
     */
    @Test
    void aDamagedSealedValueAnswersAClearErrorAndLosesNothingElse() throws Exception {
        SimulatedDevice mac = enrolled(server, server.newMac());
        byte[] token = random(64);
        assertThat(mac.channel().setBootstrapToken(token).status()).isEqualTo(200);
        String pin = ok(post(server, "/v1/hosts/" + mac.udid() + "/lock?nopush=1")).get("pin").asText();
        String second = ok(post(server, "/v1/hosts/" + mac.udid() + "/lock?nopush=1")).get("command_uuid").asText();
        server.sql("UPDATE devices SET bootstrap_token = ? WHERE id = ?", (SEALED + "%%not base64%%").getBytes(StandardCharsets.US_ASCII), mac.udid());
        server.sql("UPDATE host_pins SET pin = ? WHERE command_uuid = ?", SEALED + "AAAA", second);

        ServerReply got = mac.channel().getBootstrapToken();
        damaged(got.status(), got.text(), "bootstrap token");
        JsonNode pins = pins(server, mac);
        assertThat(pins.findParents("command_uuid")).hasSize(2).anySatisfy(p -> {
            assertThat(p.get("command_uuid").asText()).isEqualTo(second);
            assertThat(p.hasNonNull("pin")).isFalse();
            assertThat(p.get("pin_error").asText()).contains("damaged");
        }).anySatisfy(p -> assertThat(p.path("pin").asText()).isEqualTo(pin));

        SimulatedDevice phone = enrolled(server, server.newIphone());
        byte[] sealedUnlock = server.queryBytes("SELECT unlock_token FROM devices WHERE id = ?", phone.udid());
        server.sql("UPDATE devices SET unlock_token = ? WHERE id = ?", java.util.Arrays.copyOf(sealedUnlock, SEALED.length() + 10), phone.udid());
        AdminClient.Reply clear = post(server, "/v1/hosts/" + phone.udid() + "/clear-passcode?nopush=1");
        damaged(clear.status(), clear.body(), "UnlockToken");
        assertThat(phone.channel().poll()).as("nothing queued").isEmpty();
        assertThat(ok(admin.send("GET", "/v1/hosts/" + phone.udid(), null)).get("unlock_token_present").asBoolean()).isTrue();
        JsonNode ready = admin.send("GET", "/readyz", null).json();
        assertThat(ready.get("warnings").toString()).contains("damaged");
        // The device goes on: its own command queue and check-ins need no secret.
        assertThat(mac.channel().poll()).hasSize(2);
    }

    /** A 503 whose JSON says the stored value is damaged (not a key problem), with no stack trace. */
    static void damaged(int status, String body, String what) {
        assertThat(status).as(body).isEqualTo(503);
        assertThat(body).contains("\"error\"", what, "damaged").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void plaintextWrittenBeforeSealingIsSealedAtTheNextStartAndStillReads() throws Exception {
        SimulatedDevice mac = enrolled(server, server.newMac());
        SimulatedDevice phone = enrolled(server, server.newIphone());
        long hostId = ok(admin.send("GET", "/v1/hosts/" + mac.udid(), null)).get("id").asLong();
        // Rows as the version before sealing wrote them.
        byte[] bootstrap = random(512);
        byte[] unlock = realUnlockToken();
        String legacyUuid = UUID.randomUUID().toString().toUpperCase();
        server.sql("UPDATE devices SET bootstrap_token = ? WHERE id = ?", bootstrap, mac.udid());
        server.sql("UPDATE devices SET unlock_token = ? WHERE id = ?", unlock, phone.udid());
        server.sql("INSERT INTO host_pins (command_uuid, host_id, request_type, pin, actor, created_at) VALUES (?, ?, 'DeviceLock', '135790', 'nanomdm', 1)",
                legacyUuid, hostId);

        server.stop();
        server.start();
        admin = server.admin;
        mac.useTransport(server.transport);
        phone.useTransport(server.transport);

        // The pass runs beside the server, PINs last; until it is done reads take plaintext as it is.
        assertThat(eventually(() -> server.queryString("SELECT pin FROM host_pins WHERE command_uuid = ?", legacyUuid), p -> p.startsWith(SEALED)))
                .startsWith(SEALED).doesNotContain("135790");
        assertSealed(server.queryBytes("SELECT bootstrap_token FROM devices WHERE id = ?", mac.udid()), bootstrap);
        assertSealed(server.queryBytes("SELECT unlock_token FROM devices WHERE id = ?", phone.udid()), unlock);
        assertThat(bootstrapToken(mac)).isEqualTo(bootstrap);
        assertThat(clearPasscodeToken(server, phone)).isEqualTo(unlock);
        assertThat(pins(server, mac)).singleElement().satisfies(p -> assertThat(p.get("pin").asText()).isEqualTo("135790"));
    }

    @Test
    void aServerWithAnotherKeyStartsAnswersAClearErrorAndSaysSoInReadyz() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("MDM_SECRET_KEY", KEY));
        try (TestServer own = new TestServer(engine(), Files.createTempDirectory("jmdm-secrets-key"), env)) {
            SimulatedDevice mac = enrolled(own, own.newMac());
            SimulatedDevice phone = enrolled(own, own.newIphone());
            byte[] token = random(128);
            assertThat(mac.channel().setBootstrapToken(token).status()).isEqualTo(200);
            String pin = ok(post(own, "/v1/hosts/" + mac.udid() + "/lock?nopush=1")).get("pin").asText();
            assertThat(mac.channel().poll()).hasSize(1);
            // A second lock waits in the queue, sealed with this key.
            String queuedPin = ok(post(own, "/v1/hosts/" + mac.udid() + "/lock?nopush=1")).get("pin").asText();

            own.stop();
            env.put("MDM_SECRET_KEY", "not-the-key-that-sealed-them");
            own.start();
            mac.useTransport(own.transport);
            phone.useTransport(own.transport);

            JsonNode ready = own.admin.send("GET", "/readyz", null).json();
            assertThat(ready.get("status").asText()).isEqualTo("ok");
            assertThat(ready.get("warnings").toString()).contains("bootstrap token", "lock/wipe PIN", "MDM_SECRET_KEY");
            ServerReply got = mac.channel().getBootstrapToken();
            unreadable(got.status(), got.text(), "bootstrap token");
            AdminClient.Reply clear = post(own, "/v1/hosts/" + phone.udid() + "/clear-passcode?nopush=1");
            unreadable(clear.status(), clear.body(), "UnlockToken");
            JsonNode listed = pins(own, mac);
            assertThat(listed).hasSize(2).allSatisfy(p -> {
                assertThat(p.hasNonNull("pin")).isFalse();
                assertThat(p.get("pin_error").asText()).contains("MDM_SECRET_KEY");
            });
            // The queued lock cannot be opened: the Mac is told to come back (503), and the command stays queued.
            ServerReply idle = mac.channel().idle();
            unreadable(idle.status(), idle.text(), "command carrying a secret");
            // Everything that needs no secret goes on: the host, its commands, the device's check-ins.
            assertThat(ok(own.admin.send("GET", "/v1/hosts/" + phone.udid(), null)).get("unlock_token_present").asBoolean()).isTrue();
            assertThat(phone.channel().poll()).isEmpty();

            // The key that sealed them opens them again.
            own.stop();
            env.put("MDM_SECRET_KEY", KEY);
            own.start();
            mac.useTransport(own.transport);
            assertThat(bootstrapToken(mac)).isEqualTo(token);
            assertThat(pins(own, mac)).extracting(p -> p.get("pin").asText()).containsExactlyInAnyOrder(pin, queuedPin);
            assertThat(mac.channel().poll()).extracting(HandledCommand::requestType).containsExactly("DeviceLock");
            assertThat(mac.state().lockPin()).isEqualTo(queuedPin);
            assertThat(own.admin.send("GET", "/readyz", null).json().get("warnings")).isEmpty();
        }
    }
}
