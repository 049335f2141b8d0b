package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.KeyAlgorithm;
import dev.jmdm.server.identity.CertificateFingerprint;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.DeviceFacts;
import dev.jmdm.sim.EnrollmentProfile;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.MockApns;
import dev.jmdm.sim.ServerReply;
import dev.jmdm.sim.SimulatedDevice;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Who may bind a certificate to a device that already exists: a certificate that merely chains to a trusted CA
 * (one anybody can download from the open {@code /mdm/enroll}, or another fleet identity) never takes a device
 * over, by check-in, command report or the migration path; the legitimate ways to a new certificate (re-enrolling
 * after CheckOut, an admin release, an admin renewal window, an expired binding) keep working. The server trusts
 * the test server's device CA as {@code MDM_CA} (the fleet's identities) and issues enrollment profiles from
 * certs-dev's device CA; pushes go to a stand-in APNs so a victim's token and push magic can be checked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IdentityBindingScenarios {
    ApnsTestBed bed;
    TestServer server;
    MockApns apns;
    AdminClient admin;
    String topic;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void start() throws Exception {
        bed = ApnsTestBed.start(engine(), Files.createTempDirectory("jmdm-identity"), true);
        server = bed.server;
        apns = bed.apns;
        admin = server.admin;
        topic = bed.stack.pushTopic();
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    private SimulatedDevice enrolled() {
        SimulatedDevice d = SimulatedDevice.mac(server.transport, server.identity("victim"), topic);
        d.enroll();
        return d;
    }

    /** A fresh identity from the open enrollment endpoint: what anybody on the network can get. */
    private Issued downloadedIdentity() throws Exception {
        HttpResponse<byte[]> r = server.http.send(HttpRequest.newBuilder(server.baseUri().resolve("/mdm/enroll")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        // The profile's SCEP payload run as a device does (its key, a PKCSReq with the one-time challenge).
        return EnrollmentProfile.install(r.body(), server.http, java.util.UUID.randomUUID().toString().toUpperCase()).identity();
    }

    /** Another device claiming the victim's UDID with its own certificate (and its own token and push magic). */
    private SimulatedDevice impostor(SimulatedDevice victim, Issued identity) {
        return new SimulatedDevice(server.transport, identity, victim.facts(), topic, null);
    }

    private String boundSha(SimulatedDevice d) {
        AdminClient.Reply r = admin.certificate(d.udid());
        assertThat(r.status()).isEqualTo(200);
        JsonNode cert = r.json().get("certificate");
        return cert == null || cert.isNull() ? null : cert.get("sha256").asText();
    }

    private static String sha(Issued identity) {
        return CertificateFingerprint.sha256Hex(identity.certificate());
    }

    private JsonNode enrollment(SimulatedDevice d) {
        return admin.enrollments("id=" + d.enrollmentId()).json().get("enrollments").get(0);
    }

    /** Refused without being told to unenroll: a valid certificate that may not speak for the device it names. */
    private static void refused(ServerReply reply, String why) {
        Refusals.notThisDevice(reply, why);
    }

    /** The device gets its commands when pushed: woken at its own token with its own push magic, then polling. */
    private void stillManaged(SimulatedDevice d) {
        Commands.Built cmd = Commands.of("ProfileList");
        apns.clear();
        assertThat(admin.enqueue(cmd.plist(), List.of(d.enrollmentId()), false).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !apns.receivedFor(d.channel().tokenHex()).isEmpty());
        assertThat(apns.receivedFor(d.channel().tokenHex()).get(0).payload()).contains(d.channel().pushMagic());
        assertThat(apns.received()).allMatch(p -> p.tokenHex().equals(d.channel().tokenHex()));
        assertThat(d.channel().poll()).extracting(HandledCommand::commandUuid).contains(cmd.commandUuid());
    }

    @Test
    void aCertificateThatIsNotTheDevicesCannotTakeItOverOnAnyPath() throws Exception {
        SimulatedDevice victim = enrolled();
        String bound = boundSha(victim);
        assertThat(bound).isEqualTo(sha(victim.identity()));
        Commands.Built waiting = Commands.of("DeviceInformation");
        admin.enqueue(waiting.plist(), List.of(victim.enrollmentId()), true);

        for (Issued stolenName : List.of(downloadedIdentity(), server.identity("another fleet device"))) {
            SimulatedDevice thief = impostor(victim, stolenName);
            refused(thief.authenticate(), "Authenticate naming an enrolled device");
            refused(thief.channel().tokenUpdate(), "TokenUpdate");
            refused(thief.channel().idle(), "command poll");
            refused(thief.channel().report("Acknowledged", waiting.commandUuid(), null), "command report");
            refused(thief.user("EVE-1", "eve", "Eve").tokenUpdate(), "user channel");
            refused(thief.channel().setBootstrapToken("x".getBytes(StandardCharsets.UTF_8)), "bootstrap token");
            refused(thief.channel().checkOut(), "CheckOut");
            assertThat(thief.authenticate().text()).contains("bound to another certificate");
        }

        // Nothing moved: same binding, the queued command was not cleared, the channel is enabled with one
        // TokenUpdate, no user channel appeared, and the device is still woken at its own token.
        assertThat(boundSha(victim)).isEqualTo(bound);
        assertThat(admin.command(waiting.commandUuid()).json().get("enrollments").get(0).get("status").asText()).isEqualTo("Queued");
        JsonNode e = enrollment(victim);
        assertThat(e.get("enabled").asBoolean()).isTrue();
        assertThat(e.get("token_update_tally").asInt()).isEqualTo(1);
        assertThat(admin.enrollments("id=" + victim.udid()).json().get("enrollments")).hasSize(1);
        stillManaged(victim);
        assertThat(admin.command(waiting.commandUuid()).json().get("enrollments").get(0).get("status").asText()).isEqualTo("Acknowledged");
    }

    @Test
    void aDeviceThatCheckedOutReEnrollsWithANewIdentity() throws Exception {
        SimulatedDevice mac = enrolled();
        Issued old = mac.identity();
        assertThat(mac.channel().checkOut().status()).isEqualTo(200);
        assertThat(admin.certificate(mac.udid()).json().get("rebind_grant").get("reason").asText()).isEqualTo("checkout");

        mac.useIdentity(downloadedIdentity());
        mac.enroll();
        assertThat(boundSha(mac)).isEqualTo(sha(mac.identity()));
        stillManaged(mac);
        mac.useIdentity(old);
        refused(mac.channel().idle(), "the checked-out certificate");
        refused(mac.authenticate(), "nor may it take the device back");
    }

    @Test
    void anAdminReleaseLetsAWipedDeviceEnrollWithANewIdentityAndIsAudited() throws Exception {
        SimulatedDevice mac = enrolled();
        Issued old = mac.identity();
        refused(impostor(mac, downloadedIdentity()).authenticate(), "before the release");

        AdminClient.Reply released = admin.releaseCertificate(mac.udid());
        assertThat(released.status()).isEqualTo(200);
        assertThat(released.json().get("released_sha256").asText()).isEqualTo(sha(old));
        assertThat(released.json().has("certificate")).as("nothing bound (absent keys are null)").isFalse();
        assertThat(released.json().get("rebind_grant").get("reason").asText()).isEqualTo("admin");
        refused(mac.channel().idle(), "the released certificate stops at once");

        mac.erase();
        mac.useIdentity(downloadedIdentity());
        mac.enroll();
        assertThat(boundSha(mac)).isEqualTo(sha(mac.identity()));
        assertThat(admin.certificate(mac.udid()).json().has("rebind_grant")).as("the grant is spent").isFalse();
        stillManaged(mac);

        JsonNode audit = admin.send("GET", "/v1/audit?action=enrollments.certificate.release&host=" + mac.udid(), null).json();
        assertThat(audit.get("entries")).hasSize(1);
        assertThat(audit.get("entries").get(0).get("actor").asText()).isEqualTo("nanomdm");
        assertThat(audit.get("entries").get(0).get("detail").get("released_sha256").asText()).isEqualTo(sha(old));

        assertThat(admin.releaseCertificate("NO-SUCH-DEVICE-" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(admin.certificate("NO-SUCH-DEVICE-" + UUID.randomUUID()).json().get("error").asText()).contains("no enrollment");
        String huge = "U".repeat(5000);
        assertThat(admin.certificate(huge).status()).isEqualTo(404);
        assertThat(admin.releaseCertificate(huge).status()).isEqualTo(404);
        assertThat(admin.allowRenewal(huge).status()).isEqualTo(404);
    }

    @Test
    void aRenewalWindowRebindsOnceWhileTheOldCertificateKeepsWorking() throws Exception {
        SimulatedDevice mac = enrolled();
        Issued old = mac.identity();
        AdminClient.Reply window = admin.allowRenewal(mac.udid());
        assertThat(window.status()).isEqualTo(200);
        assertThat(window.json().get("rebind_grant").get("reason").asText()).isEqualTo("renewal");
        assertThat(Instant.parse(window.json().get("rebind_grant").get("expires_at").asText()))
                .isBetween(Instant.now().plus(Duration.ofHours(23)), Instant.now().plus(Duration.ofHours(25)));
        assertThat(mac.channel().idle().status()).as("the old certificate works until the re-bind").isEqualTo(200);

        Issued renewed = downloadedIdentity();
        mac.useIdentity(renewed);
        mac.enroll();
        stillManaged(mac);
        mac.useIdentity(old);
        refused(mac.channel().idle(), "the renewed-away certificate");
        refused(impostor(mac, downloadedIdentity()).authenticate(), "the window closed with the re-bind");
        mac.useIdentity(renewed);
        assertThat(mac.channel().idle().status()).isEqualTo(200);
        assertThat(admin.send("POST", "/v1/enrollments/" + mac.udid() + "/certificate/renewal?hours=0", null).status()).isEqualTo(400);
    }

    @Test
    void aDeviceWhoseBoundCertificateExpiredMayBindANewOne() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Issued shortLived = server.deviceCa.issue(CertificateAuthority.deviceIdentitySpec("short-lived")
                .validity(now.minus(Duration.ofMinutes(1)), now.plusSeconds(3)).keyAlgorithm(KeyAlgorithm.EC_P256).build());
        SimulatedDevice mac = SimulatedDevice.mac(server.transport, shortLived, topic);
        mac.enroll();
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(now.plusSeconds(4)));

        mac.useIdentity(server.identity("after expiry"));
        mac.enroll();
        assertThat(boundSha(mac)).isEqualTo(sha(mac.identity()));
        stillManaged(mac);
    }

    @Test
    void identitiesRacingToEnrollOneNewDeviceEndWithOneWinner() throws Exception {
        SimulatedDevice first = SimulatedDevice.mac(server.transport, server.identity("racer"), topic);
        List<SimulatedDevice> racers = new java.util.ArrayList<>(List.of(first));
        for (int i = 0; i < 4; i++) {
            racers.add(impostor(first, i % 2 == 0 ? downloadedIdentity() : server.identity("racer " + i)));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(racers.size());
        List<Integer> statuses = new java.util.ArrayList<>();
        String winner = null;
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<ServerReply>> replies = new java.util.ArrayList<>();
            for (SimulatedDevice d : racers) {
                replies.add(pool.submit(() -> {
                    go.await();
                    return d.authenticate();
                }));
            }
            go.countDown();
            for (int i = 0; i < racers.size(); i++) {
                int status = replies.get(i).get().status();
                statuses.add(status);
                if (status == 200) {
                    winner = sha(racers.get(i).identity());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(statuses).containsOnly(200, 403);
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(boundSha(first)).isEqualTo(winner);
    }

    // ---- migration ---------------------------------------------------------------------------------------

    private void migrate(String udid, String magic) {
        String auth = "<?xml version=\"1.0\"?><plist><dict><key>MessageType</key><string>Authenticate</string>"
                + "<key>UDID</key><string>" + udid + "</string><key>Topic</key><string>" + topic + "</string></dict></plist>";
        String token = "<?xml version=\"1.0\"?><plist><dict><key>MessageType</key><string>TokenUpdate</string>"
                + "<key>UDID</key><string>" + udid + "</string><key>Topic</key><string>" + topic + "</string>"
                + "<key>PushMagic</key><string>" + magic + "</string><key>Token</key><data>AAEC</data></dict></plist>";
        for (String body : List.of(auth, token)) {
            AdminClient.Reply r = admin.send("POST", "/migration", body.getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
    }

    @Test
    void aMigratedDeviceIsClaimedOnlyByACertificateItCouldHaveHadBefore() throws Exception {
        String udid = UUID.randomUUID().toString().toUpperCase();
        Issued itsOwn = server.identity("identity from the old server");
        migrate(udid, "old-server-magic");
        // A certificate issued after the move cannot be the one the device had on the other server.
        // Certificate times have whole seconds: wait until one after the move can be written.
        Thread.sleep(1_100);
        Instant later = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Issued newerFleetIdentity = server.deviceCa.issue(CertificateAuthority.deviceIdentitySpec("issued after the move")
                .validity(later, later.plus(Duration.ofDays(1))).keyAlgorithm(KeyAlgorithm.EC_P256).build());

        DeviceFacts facts = DeviceFacts.generate(DeviceFacts.Platform.MACOS, udid);
        for (Issued claim : List.of(downloadedIdentity(), newerFleetIdentity)) {
            SimulatedDevice thief = new SimulatedDevice(server.transport, claim, facts, topic, null);
            refused(thief.channel().tokenUpdate(), "TokenUpdate claiming a migrated device");
            refused(thief.channel().idle(), "poll claiming a migrated device");
            refused(thief.authenticate(), "Authenticate claiming a migrated device");
        }
        AdminClient.Reply state = admin.certificate(udid);
        assertThat(state.json().has("certificate")).isFalse();
        JsonNode e = admin.enrollments("id=" + udid).json().get("enrollments").get(0);
        assertThat(e.get("enabled").asBoolean()).isTrue();
        assertThat(e.get("token_update_tally").asInt()).isEqualTo(1);

        // The device itself, with the identity it brought along, claims it; then no one else can.
        SimulatedDevice moved = new SimulatedDevice(server.transport, itsOwn, facts, topic, null);
        assertThat(moved.channel().idle().status()).isEqualTo(200);
        assertThat(boundSha(moved)).isEqualTo(sha(itsOwn));
        apns.clear();
        assertThat(admin.enqueue(Commands.of("ProfileList").plist(), List.of(udid), false).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !apns.receivedFor("000102").isEmpty());
        assertThat(apns.receivedFor("000102").get(0).payload()).contains("old-server-magic");
        refused(new SimulatedDevice(server.transport, server.identity("late thief"), facts, topic, null).channel().idle(),
                "a claimed migrated device");
    }

    @Test
    void migratingADeviceThatEnrolledHereIsRefusedAndChangesNothing() throws Exception {
        SimulatedDevice mac = enrolled();
        String bound = boundSha(mac);
        Commands.Built waiting = Commands.of("ProfileList");
        admin.enqueue(waiting.plist(), List.of(mac.enrollmentId()), true);

        String token = "<?xml version=\"1.0\"?><plist><dict><key>MessageType</key><string>TokenUpdate</string>"
                + "<key>UDID</key><string>" + mac.udid() + "</string><key>Topic</key><string>" + topic + "</string>"
                + "<key>PushMagic</key><string>stale</string><key>Token</key><data>AAEC</data></dict></plist>";
        String auth = "<?xml version=\"1.0\"?><plist><dict><key>MessageType</key><string>Authenticate</string>"
                + "<key>UDID</key><string>" + mac.udid() + "</string><key>Topic</key><string>" + topic + "</string></dict></plist>";
        for (String body : List.of(auth, token)) {
            AdminClient.Reply r = admin.send("POST", "/migration", body.getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().get("error").asText()).contains("enrolled with this server");
        }
        assertThat(boundSha(mac)).isEqualTo(bound);
        assertThat(admin.command(waiting.commandUuid()).json().get("enrollments").get(0).get("status").asText()).isEqualTo("Queued");
        assertThat(enrollment(mac).get("token_update_tally").asInt()).isEqualTo(1);
        stillManaged(mac);
    }
}
