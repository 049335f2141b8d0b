package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.server.identity.CertificateFingerprint;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Answer;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.DeviceFacts;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.ServerReply;
import dev.jmdm.sim.SimulatedDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How devices leave and come back, end to end with simulated devices: which refusals tell a device to unenroll
 * (Apple's ErrorUnrecognizedDevice: only for a device this server does not know), how a device this server wiped
 * enrolls again with a new identity and no CheckOut, and what a new enrollment does not inherit from the old one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReEnrollmentScenarios {
    TestServer server;
    AdminClient admin;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void start() throws Exception {
        server = new TestServer(engine(), Files.createTempDirectory("jmdm-reenroll"));
        admin = server.admin;
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private SimulatedDevice enrolledIphone() {
        SimulatedDevice phone = SimulatedDevice.iphone(server.transport, server.identity("phone"), TestServer.TOPIC);
        phone.enroll();
        return phone;
    }

    private String boundSha(SimulatedDevice d) {
        JsonNode cert = admin.certificate(d.udid()).json().get("certificate");
        return cert == null || cert.isNull() ? null : cert.get("sha256").asText();
    }

    private JsonNode grant(SimulatedDevice d) {
        return admin.certificate(d.udid()).json().get("rebind_grant");
    }

    private JsonNode audit(String action, SimulatedDevice d) {
        return admin.send("GET", "/v1/audit?action=" + action + "&host=" + d.udid(), null).json().get("entries");
    }

    private String wipe(SimulatedDevice d) {
        AdminClient.Reply r = admin.send("POST", "/v1/hosts/" + d.udid() + "/wipe?nopush=1",
                ("{\"confirm\": \"" + d.facts().serialNumber() + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("command_uuid").asText();
    }

    private String status(String commandUuid) {
        return admin.command(commandUuid).json().get("enrollments").get(0).get("status").asText();
    }

    private boolean unlockTokenStored(SimulatedDevice d) {
        return admin.send("GET", "/v1/hosts/" + d.udid(), null).json().get("unlock_token_present").asBoolean();
    }

    private static boolean holdsBootstrapToken(ServerReply getBootstrapToken) {
        assertThat(getBootstrapToken.status()).isEqualTo(200);
        return getBootstrapToken.text().contains("<key>BootstrapToken</key>");
    }

    // ---- which refusal unenrolls ---------------------------------------------------------------------------

    @Test
    void aDeviceThisServerDoesNotKnowIsToldToUnenrollOnEveryPath() {
        SimulatedDevice stranger = SimulatedDevice.iphone(server.transport, server.identity("stranger"), TestServer.TOPIC);
        Refusals.unrecognized(stranger.channel().idle(), "poll of a device that never enrolled");
        Refusals.unrecognized(stranger.channel().report("Acknowledged", UUID.randomUUID().toString(), null), "command report");
        Refusals.unrecognized(stranger.channel().tokenUpdate(), "TokenUpdate");
        Refusals.unrecognized(stranger.channel().setBootstrapToken("t".getBytes(StandardCharsets.UTF_8)), "SetBootstrapToken");
        Refusals.unrecognized(stranger.channel().getBootstrapToken(), "GetBootstrapToken");
        Refusals.unrecognized(stranger.channel().checkOut(), "CheckOut");
        Refusals.unrecognized(stranger.user("U-1", "u", "U").tokenUpdate(), "user channel");
        assertThat(admin.enrollments("id=" + stranger.udid()).json().get("enrollments")).isEmpty();
        // Enrolling is what an unknown device may do.
        stranger.enroll();
        assertThat(stranger.channel().idle().status()).isEqualTo(200);
    }

    @Test
    void aKnownDeviceAskedForWithAnotherCertificateIsNeverToldToUnenroll() {
        SimulatedDevice phone = enrolledIphone();
        Issued own = phone.identity();
        phone.useIdentity(server.identity("in the middle of a certificate change"));
        Refusals.notThisDevice(phone.channel().idle(), "poll");
        Refusals.notThisDevice(phone.channel().tokenUpdate(), "TokenUpdate");
        Refusals.notThisDevice(phone.authenticate(), "Authenticate");
        phone.useIdentity(own);
        assertThat(phone.channel().idle().status()).isEqualTo(200);
    }

    // ---- wipe --------------------------------------------------------------------------------------------

    @Test
    void aDeviceThisServerWipedComesBackWithANewIdentityAndNoCheckOut() {
        SimulatedDevice phone = enrolledIphone();
        Issued old = phone.identity();
        String wipe = wipe(phone);
        assertThat(grant(phone)).as("nothing opens before the device gets the wipe").isNull();

        assertThat(phone.channel().poll()).extracting(HandledCommand::requestType).containsExactly("EraseDevice");
        assertThat(status(wipe)).isEqualTo("Acknowledged");
        JsonNode grant = grant(phone);
        assertThat(grant.get("reason").asText()).isEqualTo("wipe");
        assertThat(grant.get("granted_by").asText()).as("the admin who wiped").isEqualTo("nanomdm");
        assertThat(Instant.parse(grant.get("expires_at").asText()))
                .isBetween(Instant.now().plus(Duration.ofDays(30)).minusSeconds(120), Instant.now().plus(Duration.ofDays(30)));
        assertThat(audit("enrollments.certificate.wipe", phone)).singleElement().satisfies(e -> {
            assertThat(e.get("command_uuid").asText()).isEqualTo(wipe);
            assertThat(e.get("actor").asText()).isEqualTo("nanomdm");
        });

        // Erased: no CheckOut, a new identity (ADE or a new profile), a new push token.
        phone.erase();
        Issued fresh = server.identity("after the wipe");
        phone.useIdentity(fresh);
        phone.enroll();
        assertThat(boundSha(phone)).isEqualTo(CertificateFingerprint.sha256Hex(fresh.certificate()));
        assertThat(grant(phone)).as("the grant is spent").isNull();
        Commands.Built cmd = Commands.of("ProfileList");
        assertThat(admin.enqueue(cmd.plist(), List.of(phone.enrollmentId()), true).status()).isEqualTo(200);
        assertThat(phone.channel().poll()).extracting(HandledCommand::commandUuid).containsExactly(cmd.commandUuid());

        phone.useIdentity(old);
        Refusals.notThisDevice(phone.channel().idle(), "the wiped identity");
        Refusals.notThisDevice(phone.authenticate(), "nor may it take the device back");
    }

    @Test
    void aWipedDeviceThatNeverAnsweredMayComeBackToo() {
        SimulatedDevice phone = enrolledIphone();
        phone.behaviour((type, command) -> "EraseDevice".equals(type) ? Answer.drop() : null);
        String wipe = wipe(phone);
        phone.channel().poll();
        assertThat(status(wipe)).isEqualTo("Delivered");
        assertThat(grant(phone).get("reason").asText()).isEqualTo("wipe");

        phone.erase();
        phone.useIdentity(server.identity("after an unanswered wipe"));
        phone.enroll();
        assertThat(status(wipe)).as("the new enrollment closes what the old one left open").isEqualTo("Cleared");
    }

    @Test
    void withoutAWipeAnErasedDeviceWithANewIdentityIsRefusedWithoutBeingToldToUnenroll() {
        SimulatedDevice phone = enrolledIphone();
        Issued old = phone.identity();
        phone.erase();
        phone.useIdentity(server.identity("erased by hand"));
        Refusals.notThisDevice(phone.authenticate(), "Authenticate of a device this server did not wipe");
        assertThat(phone.authenticate().text()).contains("bound to another certificate");
        phone.useIdentity(old);
        assertThat(phone.channel().idle().status()).as("the bound identity still speaks for it").isEqualTo(200);
    }

    @Test
    void aWipeTheDeviceRefusedClosesTheGrant() {
        SimulatedDevice phone = enrolledIphone();
        phone.behaviour((type, command) -> "EraseDevice".equals(type) ? Answer.error("MCMDMErrorDomain", 12021, "Not now") : null);
        String wipe = wipe(phone);
        phone.channel().poll();
        assertThat(status(wipe)).isEqualTo("Error");
        assertThat(grant(phone)).isNull();
        assertThat(audit("enrollments.certificate.wipe.closed", phone)).hasSize(1);

        phone.useIdentity(server.identity("not wiped after all"));
        Refusals.notThisDevice(phone.authenticate(), "the device was not wiped");
    }

    @Test
    void withWipeRebindOffAWipedDeviceWaitsForTheAdmin() throws Exception {
        try (TestServer off = new TestServer(engine(), Files.createTempDirectory("jmdm-wipe-off"), java.util.Map.of("MDM_WIPE_REBIND", "0"))) {
            SimulatedDevice phone = SimulatedDevice.iphone(off.transport, off.identity("phone"), TestServer.TOPIC);
            phone.enroll();
            AdminClient.Reply wiped = off.admin.send("POST", "/v1/hosts/" + phone.udid() + "/wipe?nopush=1",
                    ("{\"confirm\": \"" + phone.facts().serialNumber() + "\"}").getBytes(StandardCharsets.UTF_8));
            assertThat(wiped.status()).as(wiped.body()).isEqualTo(200);
            assertThat(phone.channel().poll()).extracting(HandledCommand::requestType).containsExactly("EraseDevice");
            assertThat(off.admin.certificate(phone.udid()).json().get("rebind_grant")).isNull();

            phone.erase();
            phone.useIdentity(off.identity("after the wipe"));
            Refusals.notThisDevice(phone.authenticate(), "no wipe grant with MDM_WIPE_REBIND=0");
            assertThat(off.admin.releaseCertificate(phone.udid()).status()).isEqualTo(200);
            phone.enroll();
        }
    }

    // ---- a new enrollment starts clean -------------------------------------------------------------------

    /** The ways a known device's next Authenticate is a new enrollment. */
    enum Departure { CHECKOUT, RELEASE, WIPE }

    @ParameterizedTest
    @EnumSource(Departure.class)
    void aNewEnrollmentInheritsNoSecretsAndNoQueuedCommands(Departure departure) {
        SimulatedDevice phone = enrolledIphone();
        assertThat(phone.channel().setBootstrapToken("old-bootstrap".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        assertThat(holdsBootstrapToken(phone.channel().getBootstrapToken())).isTrue();
        assertThat(unlockTokenStored(phone)).isTrue();
        Commands.Built waiting = Commands.of("DeviceInformation");

        switch (departure) {
            case CHECKOUT -> {
                admin.enqueue(waiting.plist(), List.of(phone.enrollmentId()), true);
                assertThat(phone.channel().checkOut().status()).isEqualTo(200);
            }
            case RELEASE -> {
                admin.enqueue(waiting.plist(), List.of(phone.enrollmentId()), true);
                assertThat(admin.releaseCertificate(phone.udid()).status()).isEqualTo(200);
            }
            case WIPE -> {
                wipe(phone);
                phone.channel().poll();
                admin.enqueue(waiting.plist(), List.of(phone.enrollmentId()), true);
            }
        }
        phone.erase();
        phone.useIdentity(server.identity("new enrollment after " + departure));
        assertThat(phone.authenticate().status()).isEqualTo(200);

        assertThat(status(waiting.commandUuid())).as("the old enrollment's queue").isEqualTo("Cleared");
        assertThat(unlockTokenStored(phone)).as("the old UnlockToken is gone").isFalse();
        assertThat(holdsBootstrapToken(phone.channel().getBootstrapToken())).as("the old bootstrap token is gone").isFalse();

        assertThat(phone.channel().tokenUpdate().status()).isEqualTo(200);
        assertThat(unlockTokenStored(phone)).as("the new enrollment escrows its own").isTrue();
        assertThat(phone.channel().poll()).extracting(HandledCommand::commandUuid).doesNotContain(waiting.commandUuid());
        assertThat(status(waiting.commandUuid())).isEqualTo("Cleared");
    }

    @Test
    void anIdentityRenewalIsTheSameEnrollmentAndKeepsItsSecrets() {
        SimulatedDevice phone = enrolledIphone();
        assertThat(phone.channel().setBootstrapToken("kept".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        assertThat(admin.allowRenewal(phone.udid()).status()).isEqualTo(200);
        phone.useIdentity(server.identity("renewed"));
        assertThat(phone.authenticate().status()).isEqualTo(200);
        assertThat(holdsBootstrapToken(phone.channel().getBootstrapToken())).isTrue();
        assertThat(unlockTokenStored(phone)).isTrue();
    }

    @Test
    void aRepeatedAuthenticateWithTheBoundCertificateKeepsItsSecrets() {
        SimulatedDevice phone = enrolledIphone();
        assertThat(phone.channel().setBootstrapToken("kept".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        assertThat(phone.authenticate().status()).isEqualTo(200);
        assertThat(holdsBootstrapToken(phone.channel().getBootstrapToken())).isTrue();
        assertThat(unlockTokenStored(phone)).isTrue();
    }
}
