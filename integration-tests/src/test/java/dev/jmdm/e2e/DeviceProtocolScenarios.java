package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.certsdev.CertSpec;
import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.KeyAlgorithm;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Answer;
import dev.jmdm.sim.AuthMode;
import dev.jmdm.sim.Channel;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.MdmSigner;
import dev.jmdm.sim.ServerReply;
import dev.jmdm.sim.SimulatedDevice;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

/**
 * The foundation's promises, end to end through HTTP with simulated devices that sign every
 * request: enrollment, the command queue rules, results as JSON, and every refusal. Each
 * engine runs the same scenarios (see the subclasses).
 */
abstract class DeviceProtocolScenarios extends ServerScenarios {
    @Test
    void enrollReceiveAcknowledgeAndReadTheResultAsJson() {
        SimulatedDevice mac = enrolledMac();
        Commands.Built cmd = Commands.deviceInformation("SerialNumber", "OSVersion", "DeviceCapacity");

        AdminClient.Reply enq = admin.enqueue(cmd.plist(), List.of(mac.enrollmentId()), true);
        assertThat(enq.status()).isEqualTo(200);
        assertThat(enq.json().get("command_uuid").asText()).isEqualTo(cmd.commandUuid());
        assertThat(enq.json().get("request_type").asText()).isEqualTo("DeviceInformation");
        assertThat(enq.json().get("no_push").asBoolean()).isTrue();

        // The device receives exactly the bytes that were enqueued.
        ServerReply delivered = mac.channel().idle();
        assertThat(delivered.status()).isEqualTo(200);
        assertThat(delivered.body()).isEqualTo(cmd.plist());
        ServerReply after = mac.channel().report("Acknowledged", cmd.commandUuid(), queryResponses(mac));
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.isEmpty()).isTrue();

        AdminClient.Reply result = admin.command(cmd.commandUuid());
        assertThat(result.status()).isEqualTo(200);
        JsonNode entry = result.json().get("enrollments").get(0);
        assertThat(entry.get("id").asText()).isEqualTo(mac.enrollmentId());
        assertThat(entry.get("status").asText()).isEqualTo("Acknowledged");
        assertThat(entry.get("result").get("QueryResponses").get("SerialNumber").asText()).isEqualTo(mac.facts().serialNumber());
        assertThat(entry.get("result").get("Status").asText()).isEqualTo("Acknowledged");
        assertThat(Instant.parse(entry.get("result_at").asText())).isBefore(Instant.now().plusSeconds(1));
    }

    private static NSDictionary queryResponses(SimulatedDevice mac) {
        NSDictionary q = new NSDictionary();
        q.put("SerialNumber", mac.facts().serialNumber());
        NSDictionary extra = new NSDictionary();
        extra.put("QueryResponses", q);
        return extra;
    }

    @Test
    void commandsArriveInEnqueueOrderAndEachIsAnsweredOnce() {
        SimulatedDevice mac = enrolledMac();
        List<String> expected = new ArrayList<>();
        for (String type : List.of("ProfileList", "DeviceInformation", "SecurityInfo", "InstalledApplicationList")) {
            Commands.Built c = Commands.of(type);
            expected.add(c.commandUuid());
            assertThat(admin.enqueue(c.plist(), List.of(mac.enrollmentId()), true).status()).isEqualTo(200);
        }
        List<HandledCommand> handled = mac.channel().poll();
        assertThat(handled).extracting(HandledCommand::commandUuid).containsExactlyElementsOf(expected);
        assertThat(handled).extracting(HandledCommand::status).containsOnly("Acknowledged");
        assertThat(mac.channel().poll()).isEmpty();
        assertThat(admin.queue(mac.enrollmentId()).json().get("commands")).isEmpty();
    }

    @Test
    void anUnansweredCommandIsDeliveredAgain() {
        SimulatedDevice mac = enrolledMac();
        Commands.Built c = Commands.of("ProfileList");
        admin.enqueue(c.plist(), List.of(mac.enrollmentId()), true);
        mac.behaviour((type, cmd) -> Answer.drop());
        assertThat(mac.channel().poll()).extracting(HandledCommand::commandUuid).containsExactly(c.commandUuid());
        mac.behaviour((type, cmd) -> null);
        assertThat(mac.channel().poll()).extracting(HandledCommand::commandUuid).containsExactly(c.commandUuid());
        JsonNode entry = admin.command(c.commandUuid()).json().get("enrollments").get(0);
        assertThat(entry.get("delivery_count").asInt()).isEqualTo(2);
        assertThat(entry.get("status").asText()).isEqualTo("Acknowledged");
    }

    @Test
    void notNowHoldsACommandBackUntilTheNextIdle() {
        SimulatedDevice mac = enrolledMac();
        Commands.Built install = Commands.of("ProfileList");
        Commands.Built info = Commands.of("DeviceInformation");
        admin.enqueue(install.plist(), List.of(mac.enrollmentId()), true);
        admin.enqueue(info.plist(), List.of(mac.enrollmentId()), true);
        mac.behaviour((type, cmd) -> "ProfileList".equals(type) ? Answer.notNow() : null);

        List<HandledCommand> first = mac.channel().poll();
        assertThat(first).extracting(HandledCommand::status).containsExactly("NotNow", "Acknowledged");
        assertThat(admin.command(install.commandUuid()).json().get("enrollments").get(0).get("status").asText()).isEqualTo("NotNow");

        mac.behaviour((type, cmd) -> null);
        List<HandledCommand> second = mac.channel().poll();
        assertThat(second).extracting(HandledCommand::commandUuid).containsExactly(install.commandUuid());
        JsonNode entry = admin.command(install.commandUuid()).json().get("enrollments").get(0);
        assertThat(entry.get("status").asText()).isEqualTo("Acknowledged");
        assertThat(entry.get("not_now_tally").asInt()).isEqualTo(1);
    }

    @Test
    void errorsAndUnknownCommandsAreStoredWithTheirDetail() {
        SimulatedDevice mac = enrolledMac();
        Commands.Built bogus = Commands.of("NoSuchRequestType");
        Commands.Built failing = Commands.of("ProfileList");
        admin.enqueue(bogus.plist(), List.of(mac.enrollmentId()), true);
        admin.enqueue(failing.plist(), List.of(mac.enrollmentId()), true);
        mac.behaviour((type, cmd) -> "ProfileList".equals(type) ? Answer.error("MCMDMErrorDomain", 12021, "Busy") : null);
        assertThat(mac.channel().poll()).extracting(HandledCommand::status).containsExactly("CommandFormatError", "Error");
        assertThat(admin.command(bogus.commandUuid()).json().get("enrollments").get(0).get("status").asText())
                .isEqualTo("CommandFormatError");
        JsonNode err = admin.command(failing.commandUuid()).json().get("enrollments").get(0);
        assertThat(err.get("status").asText()).isEqualTo("Error");
        assertThat(err.get("result").get("ErrorChain").get(0).get("ErrorCode").asInt()).isEqualTo(12021);
    }

    @Test
    void reportsForUnknownCommandsAndDuplicatesAreHarmless() {
        SimulatedDevice mac = enrolledMac();
        Commands.Built c = Commands.of("ProfileList");
        admin.enqueue(c.plist(), List.of(mac.enrollmentId()), true);
        mac.channel().poll();
        assertThat(mac.channel().report("Acknowledged", c.commandUuid(), null).status()).isEqualTo(200);
        assertThat(mac.channel().report("NotNow", c.commandUuid(), null).status()).isEqualTo(200);
        assertThat(mac.channel().report("Acknowledged", UUID.randomUUID().toString(), null).status()).isEqualTo(200);
        assertThat(admin.command(c.commandUuid()).json().get("enrollments").get(0).get("status").asText()).isEqualTo("Acknowledged");
    }

    @Test
    void reAuthenticateClearsTheOldEnrollmentsQueue() {
        SimulatedDevice mac = enrolledMac();
        Commands.Built c = Commands.of("ProfileList");
        admin.enqueue(c.plist(), List.of(mac.enrollmentId()), true);
        assertThat(mac.authenticate().status()).isEqualTo(200);
        JsonNode listed = admin.enrollments("id=" + mac.enrollmentId()).json().get("enrollments").get(0);
        assertThat(listed.get("enabled").asBoolean()).as("disabled until TokenUpdate").isFalse();
        assertThat(mac.channel().tokenUpdate().status()).isEqualTo(200);
        assertThat(mac.channel().poll()).isEmpty();
        assertThat(admin.command(c.commandUuid()).json().get("enrollments").get(0).get("status").asText()).isEqualTo("Cleared");
    }

    @Test
    void userChannelsAndUserEnrollmentsGetTheirOwnQueues() {
        SimulatedDevice mac = enrolledMac();
        Channel alice = mac.user("2A7D1C3E-0000-4000-8000-00000000A11C", "alice", "Alice Appleseed");
        assertThat(alice.tokenUpdate().status()).isEqualTo(200);
        assertThat(alice.enrollmentId()).isEqualTo(mac.udid() + ":2A7D1C3E-0000-4000-8000-00000000A11C");
        Commands.Built forUser = Commands.of("ProfileList");
        Commands.Built forDevice = Commands.of("DeviceInformation");
        admin.enqueue(forUser.plist(), List.of(alice.enrollmentId()), true);
        admin.enqueue(forDevice.plist(), List.of(mac.enrollmentId()), true);
        assertThat(alice.poll()).extracting(HandledCommand::commandUuid).containsExactly(forUser.commandUuid());
        assertThat(mac.channel().poll()).extracting(HandledCommand::commandUuid).containsExactly(forDevice.commandUuid());
        JsonNode listed = admin.enrollments("id=" + mac.udid()).json().get("enrollments");
        assertThat(listed).extracting(n -> n.get("type").asText()).containsExactlyInAnyOrder("Device", "User");

        // Shared iPad users are told apart by their short name.
        SimulatedDevice ipad = server.newIphone();
        ipad.enroll();
        Channel student = ipad.sharedIpadUser("student@school.example");
        assertThat(student.tokenUpdate().status()).isEqualTo(200);
        assertThat(admin.enrollments("id=" + ipad.udid()).json().get("enrollments"))
                .extracting(n -> n.get("id").asText() + "|" + n.get("type").asText())
                .contains(ipad.udid() + ":student@school.example|Shared iPad");

        // User Enrollment (BYOD): EnrollmentID instead of UDID.
        String enrollmentId = "BYOD-" + UUID.randomUUID();
        SimulatedDevice byod = new SimulatedDevice(server.transport, server.identity("byod"),
                dev.jmdm.sim.DeviceFacts.generate(dev.jmdm.sim.DeviceFacts.Platform.IOS, UUID.randomUUID().toString()),
                TestServer.TOPIC, enrollmentId);
        byod.enroll();
        Channel byodUser = byod.userEnrollmentUser("MANAGED-USER-1");
        assertThat(byodUser.tokenUpdate().status()).isEqualTo(200);
        assertThat(admin.enrollments("id=" + enrollmentId).json().get("enrollments"))
                .extracting(n -> n.get("id").asText() + "|" + n.get("type").asText())
                .containsExactlyInAnyOrder(enrollmentId + "|User Enrollment (Device)",
                        enrollmentId + ":MANAGED-USER-1|User Enrollment");
    }

    @Test
    void bootstrapTokenRoundTripsAndUserAuthenticateIsDeclined() throws Exception {
        SimulatedDevice mac = enrolledMac();
        byte[] token = "bootstrap-token-bytes".getBytes(StandardCharsets.UTF_8);
        assertThat(mac.channel().setBootstrapToken(token).status()).isEqualTo(200);
        ServerReply got = mac.channel().getBootstrapToken();
        assertThat(got.status()).isEqualTo(200);
        NSDictionary answer = (NSDictionary) PropertyListParser.parse(got.body());
        assertThat(((com.dd.plist.NSData) answer.get("BootstrapToken")).bytes()).isEqualTo(token);

        Channel user = mac.user("USER-GUID-1", "bob", "Bob");
        assertThat(user.userAuthenticate().status()).isEqualTo(410);
        assertThat(mac.channel().checkin("DeclarativeManagement").status()).isEqualTo(501);
        assertThat(mac.channel().checkin("NoSuchMessage").status()).isEqualTo(400);
    }

    @Test
    void checkOutDisablesTheEnrollment() {
        SimulatedDevice mac = enrolledMac();
        assertThat(mac.channel().checkOut().status()).isEqualTo(200);
        JsonNode listed = admin.enrollments("id=" + mac.enrollmentId()).json().get("enrollments").get(0);
        assertThat(listed.get("enabled").asBoolean()).isFalse();
    }

    @Test
    void berSignaturesAndProxyForwardedCertificatesAreAccepted() {
        SimulatedDevice der = server.newMac().signatureEncoding(MdmSigner.Encoding.DER);
        der.enroll();
        SimulatedDevice viaProxy = server.newMac().authMode(AuthMode.PROXY_HEADER).proxyHeader(TestServer.PROXY_HEADER);
        viaProxy.enroll();
        assertThat(viaProxy.channel().poll()).isEmpty();
    }

    @Test
    void requestsWithoutAValidIdentityAreRefusedWith400AndStoreNothing() {
        SimulatedDevice unsigned = server.newMac().authMode(AuthMode.NONE);
        assertThat(unsigned.authenticate().status()).isEqualTo(400);

        CertificateAuthority foreign = CertificateAuthority.createRoot("someone else's CA", Duration.ofDays(1));
        SimulatedDevice impostor = dev.jmdm.sim.SimulatedDevice.mac(server.transport,
                foreign.issueDeviceIdentity("impostor", Duration.ofDays(1), KeyAlgorithm.EC_P256), TestServer.TOPIC);
        assertThat(impostor.authenticate().status()).isEqualTo(400);

        Instant now = Instant.now();
        Issued expired = server.deviceCa.issue(CertificateAuthority.deviceIdentitySpec("expired")
                .validity(now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1))).keyAlgorithm(KeyAlgorithm.EC_P256).build());
        assertThat(SimulatedDevice.mac(server.transport, expired, TestServer.TOPIC).authenticate().status()).isEqualTo(400);

        Issued notYetValid = server.deviceCa.issue(CertificateAuthority.deviceIdentitySpec("not yet valid")
                .validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(2))).keyAlgorithm(KeyAlgorithm.EC_P256).build());
        Issued serverOnly = server.deviceCa.issue(CertSpec.builder("not a client").extendedKeyUsage(KeyPurposeId.id_kp_serverAuth)
                .keyAlgorithm(KeyAlgorithm.EC_P256).build());
        List<SimulatedDevice> refused = new ArrayList<>(List.of(unsigned, impostor));
        for (Issued bad : List.of(expired, notYetValid, serverOnly)) {
            refused.add(SimulatedDevice.mac(server.transport, bad, TestServer.TOPIC));
        }
        for (SimulatedDevice device : refused) {
            assertThat(device.authenticate().status()).isEqualTo(400);
            assertThat(device.channel().tokenUpdate().status()).isEqualTo(400);
            assertThat(device.channel().idle().status()).isEqualTo(400);
            assertThat(admin.enrollments("id=" + device.enrollmentId()).json().get("enrollments")).isEmpty();
        }
    }

    @Test
    void anExpiredCertificateForwardedByTheProxyIsRefusedBeforeAndAfterBinding() throws Exception {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Issued expired = server.deviceCa.issue(CertificateAuthority.deviceIdentitySpec("expired, via proxy")
                .validity(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))).keyAlgorithm(KeyAlgorithm.EC_P256).build());
        SimulatedDevice stale = SimulatedDevice.mac(server.transport, expired, TestServer.TOPIC)
                .authMode(AuthMode.PROXY_HEADER).proxyHeader(TestServer.PROXY_HEADER);
        ServerReply refused = stale.authenticate();
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text()).contains("expired");
        assertThat(stale.channel().idle().status()).isEqualTo(400);
        assertThat(admin.enrollments("id=" + stale.udid()).json().get("enrollments")).isEmpty();

        // A bound certificate that expires stops working, however recently it was accepted.
        Issued shortLived = server.deviceCa.issue(CertificateAuthority.deviceIdentitySpec("short-lived, via proxy")
                .validity(now.minus(Duration.ofMinutes(1)), now.plusSeconds(3)).keyAlgorithm(KeyAlgorithm.EC_P256).build());
        SimulatedDevice mac = SimulatedDevice.mac(server.transport, shortLived, TestServer.TOPIC)
                .authMode(AuthMode.PROXY_HEADER).proxyHeader(TestServer.PROXY_HEADER);
        mac.enroll();
        assertThat(mac.channel().idle().status()).isEqualTo(200);
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), now.plusSeconds(4)).toMillis()));
        ServerReply afterExpiry = mac.channel().idle();
        assertThat(afterExpiry.status()).isEqualTo(400);
        assertThat(afterExpiry.text()).contains("expired");
    }

    @Test
    void aCertificateSpeaksForOneDeviceOnly() {
        SimulatedDevice a = enrolledMac();
        SimulatedDevice b = SimulatedDevice.mac(server.transport, a.identity(), TestServer.TOPIC);
        Refusals.notThisDevice(b.authenticate(), "A's certificate cannot enroll B");

        SimulatedDevice c = enrolledMac();
        Commands.Built forC = Commands.of("ProfileList");
        admin.enqueue(forC.plist(), List.of(c.enrollmentId()), true);
        Issued cIdentity = c.identity();
        c.useIdentity(a.identity());
        Refusals.notThisDevice(c.channel().idle(), "A's certificate cannot poll for C");
        Refusals.notThisDevice(c.channel().report("Acknowledged", forC.commandUuid(), null), "nor answer C's command");
        Refusals.notThisDevice(c.channel().tokenUpdate(), "nor check in for C");
        Refusals.notThisDevice(c.user("U1", "u", "U").tokenUpdate(), "nor open a user channel on C");

        // User Enrollment: its device and user channels are checked against the EnrollmentID's binding.
        SimulatedDevice byod = new SimulatedDevice(server.transport, server.identity("byod"),
                dev.jmdm.sim.DeviceFacts.generate(dev.jmdm.sim.DeviceFacts.Platform.IOS, UUID.randomUUID().toString()),
                TestServer.TOPIC, "BYOD-" + UUID.randomUUID());
        byod.enroll();
        Issued byodIdentity = byod.identity();
        byod.useIdentity(a.identity());
        Refusals.notThisDevice(byod.channel().idle(), "A's certificate cannot poll for a User Enrollment");
        Refusals.notThisDevice(byod.userEnrollmentUser("MANAGED-1").tokenUpdate(), "nor open its user channel");
        Refusals.notThisDevice(byod.authenticate(), "nor take it over");

        // None of it was stored: B does not exist, C's command is still queued for C, no user channels appeared.
        assertThat(admin.enrollments("id=" + b.udid()).json().get("enrollments")).isEmpty();
        assertThat(admin.command(forC.commandUuid()).json().get("enrollments").get(0).get("status").asText()).isEqualTo("Queued");
        assertThat(admin.enrollments("id=" + c.udid()).json().get("enrollments")).hasSize(1);
        assertThat(admin.enrollments("id=" + byod.enrollmentId()).json().get("enrollments")).hasSize(1);
        c.useIdentity(cIdentity);
        assertThat(c.channel().poll()).extracting(HandledCommand::commandUuid).containsExactly(forC.commandUuid());
        byod.useIdentity(byodIdentity);
        assertThat(byod.channel().idle().status()).isEqualTo(200);
        assertThat(a.channel().idle().status()).isEqualTo(200);
    }

    @Test
    void identityRenewalRebindsAndRetiresTheOldCertificate() {
        SimulatedDevice mac = enrolledMac();
        Issued old = mac.identity();
        mac.useIdentity(server.identity("renewed"));
        Refusals.notThisDevice(mac.authenticate(), "no renewal without the admin's window");
        assertThat(admin.allowRenewal(mac.udid()).status()).isEqualTo(200);
        mac.enroll();
        assertThat(mac.channel().idle().status()).isEqualTo(200);
        mac.useIdentity(old);
        Refusals.notThisDevice(mac.channel().idle(), "the replaced certificate no longer speaks for the device");
    }

    @Test
    void badBodiesAreRefusedClearly() throws Exception {
        URI mdm = server.baseUri().resolve("/mdm");
        SimulatedDevice mac = enrolledMac();
        // Too large: 413 with a JSON error.
        byte[] big = new byte[70 * 1024];
        HttpResponse<String> r = server.http.send(HttpRequest.newBuilder(mdm).PUT(HttpRequest.BodyPublishers.ofByteArray(big)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("MDM_MAX_BODY");
        // Entity declarations: 400, never expanded, whatever the signature says.
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE plist [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<plist><dict><key>Status</key><string>&x;</string></dict></plist>";
        byte[] body = xxe.getBytes(StandardCharsets.UTF_8);
        r = server.http.send(HttpRequest.newBuilder(mdm).header("Mdm-Signature", new MdmSigner(mac.identity(), MdmSigner.Encoding.BER).sign(body))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("entities").doesNotContain("root:");
        // A signature over different bytes.
        byte[] idle = ("<?xml version=\"1.0\"?><plist><dict><key>Status</key><string>Idle</string><key>UDID</key><string>"
                + mac.udid() + "</string></dict></plist>").getBytes(StandardCharsets.UTF_8);
        String sigOfOther = new MdmSigner(mac.identity(), MdmSigner.Encoding.BER).sign("something else".getBytes(StandardCharsets.UTF_8));
        r = server.http.send(HttpRequest.newBuilder(mdm).header("Mdm-Signature", sigOfOther)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(idle)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        r = server.http.send(HttpRequest.newBuilder(mdm).header("Mdm-Signature", "!!not base64!!")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(idle)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("{\"error\":");
    }

    @Test
    void theApiRefusesBadEnqueuesWithoutWritingHalfAQueue() {
        SimulatedDevice mac = enrolledMac();
        Commands.Built c = Commands.of("ProfileList");
        AdminClient.Reply unknown = admin.enqueue(c.plist(), List.of(mac.enrollmentId(), "NO-SUCH-DEVICE"), true);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("status").get("NO-SUCH-DEVICE").get("command_error").asText()).contains("unknown");
        assertThat(admin.command(c.commandUuid()).status()).as("nothing written").isEqualTo(404);
        assertThat(admin.enqueue(c.plist(), List.of(mac.enrollmentId()), true).status()).isEqualTo(200);
        AdminClient.Reply dup = admin.enqueue(c.plist(), List.of(mac.enrollmentId()), true);
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.json().get("command_error").asText()).contains("already exists");
        AdminClient.Reply bad = admin.enqueue("<plist><dict/></plist>".getBytes(StandardCharsets.UTF_8), List.of(mac.enrollmentId()), true);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("command_error").asText()).contains("CommandUUID");
        assertThat(mac.channel().poll()).hasSize(1);
    }

    @Test
    void pushWithoutAPushCertificateSaysSoPerEnrollmentButTheCommandIsQueued() {
        SimulatedDevice mac = enrolledMac();
        Commands.Built c = Commands.of("ProfileList");
        AdminClient.Reply enq = admin.enqueue(c.plist(), List.of(mac.enrollmentId()), false);
        assertThat(enq.status()).isEqualTo(207);
        assertThat(enq.json().get("status").get(mac.enrollmentId()).get("push_error").asText()).contains("push certificate");
        assertThat(mac.channel().poll()).extracting(HandledCommand::commandUuid).containsExactly(c.commandUuid());
        AdminClient.Reply push = admin.push(List.of(mac.enrollmentId()));
        assertThat(push.status()).isEqualTo(500);
        assertThat(push.json().get("status").get(mac.enrollmentId()).get("push_error").asText()).isNotEmpty();
    }

    @Test
    void cancellingAnUndeliveredCommandKeepsItFromTheDevice() {
        SimulatedDevice mac = enrolledMac();
        Commands.Built a = Commands.of("ProfileList");
        Commands.Built b = Commands.of("DeviceInformation");
        admin.enqueue(a.plist(), List.of(mac.enrollmentId()), true);
        admin.enqueue(b.plist(), List.of(mac.enrollmentId()), true);
        JsonNode queue = admin.queue(mac.enrollmentId()).json().get("commands");
        assertThat(queue).extracting(n -> n.get("command_uuid").asText()).containsExactly(a.commandUuid(), b.commandUuid());
        assertThat(admin.cancel(mac.enrollmentId(), b.commandUuid()).status()).isEqualTo(200);
        assertThat(admin.cancel(mac.enrollmentId(), b.commandUuid()).status()).isEqualTo(409);
        assertThat(admin.cancel(mac.enrollmentId(), UUID.randomUUID().toString()).status()).isEqualTo(404);
        assertThat(mac.channel().poll()).extracting(HandledCommand::commandUuid).containsExactly(a.commandUuid());
        assertThat(admin.command(b.commandUuid()).json().get("enrollments").get(0).get("status").asText()).isEqualTo("Canceled");
    }

    @Test
    void theApiNeedsBasicAuthAsNanomdm() throws Exception {
        HttpResponse<String> r = server.http.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/enrollments")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"nanomdm\"");
        String wrong = Base64.getEncoder().encodeToString("nanomdm:wrong".getBytes(StandardCharsets.UTF_8));
        r = server.http.send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/enrollments")).header("Authorization", "Basic " + wrong)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        r = server.http.send(HttpRequest.newBuilder(server.baseUri().resolve("/version")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"version\"");
        r = server.http.send(HttpRequest.newBuilder(server.baseUri().resolve("/readyz")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"database\":\"ok\"");
    }

    @Test
    void enrollmentsArePagedWithACursor() {
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            enrolledMac();
        }
        String cursor = null;
        int pages = 0;
        do {
            AdminClient.Reply page = admin.enrollments("limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            page.json().get("enrollments").forEach(n -> assertThat(seen.add(n.get("id").asText())).isTrue());
            cursor = page.json().has("next_cursor") ? page.json().get("next_cursor").asText() : null;
            pages++;
        } while (cursor != null && pages < 1000);
        assertThat(seen.size()).isGreaterThanOrEqualTo(3);
        assertThat(admin.enrollments("limit=0").status()).isEqualTo(400);
    }

    @Test
    void migrationImportsCheckinsWithoutADeviceIdentityAndBindsOnFirstUse() throws Exception {
        String udid = UUID.randomUUID().toString().toUpperCase();
        String auth = "<?xml version=\"1.0\"?><plist><dict><key>MessageType</key><string>Authenticate</string>"
                + "<key>UDID</key><string>" + udid + "</string><key>Topic</key><string>" + TestServer.TOPIC + "</string></dict></plist>";
        String token = "<?xml version=\"1.0\"?><plist><dict><key>MessageType</key><string>TokenUpdate</string>"
                + "<key>UDID</key><string>" + udid + "</string><key>Topic</key><string>" + TestServer.TOPIC + "</string>"
                + "<key>PushMagic</key><string>magic</string><key>Token</key><data>AAEC</data></dict></plist>";
        for (String body : List.of(auth, token)) {
            assertThat(admin.send("POST", "/migration", body.getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        }
        assertThat(admin.enrollments("id=" + udid).json().get("enrollments").get(0).get("enabled").asBoolean()).isTrue();
        // The device's first request after the move binds its certificate; another cannot take over.
        SimulatedDevice moved = new SimulatedDevice(server.transport, server.identity("moved"),
                dev.jmdm.sim.DeviceFacts.generate(dev.jmdm.sim.DeviceFacts.Platform.MACOS, udid), TestServer.TOPIC, null);
        assertThat(moved.channel().idle().status()).isEqualTo(200);
        moved.useIdentity(server.identity("thief"));
        Refusals.notThisDevice(moved.channel().idle(), "another certificate after the migrated device claimed its own");
    }

    @Test
    void queuedCommandsAndResultsSurviveARestart() {
        SimulatedDevice mac = enrolledMac();
        Commands.Built done = Commands.of("ProfileList");
        Commands.Built waiting = Commands.of("DeviceInformation");
        admin.enqueue(done.plist(), List.of(mac.enrollmentId()), true);
        mac.channel().poll();
        admin.enqueue(waiting.plist(), List.of(mac.enrollmentId()), true);
        server.stop();
        server.start();
        admin = server.admin;
        mac = new SimulatedDevice(server.transport, mac.identity(), mac.facts(), TestServer.TOPIC, null);
        assertThat(admin.command(done.commandUuid()).json().get("enrollments").get(0).get("status").asText()).isEqualTo("Acknowledged");
        assertThat(mac.channel().poll()).extracting(HandledCommand::commandUuid).as("nothing delivered twice").containsExactly(waiting.commandUuid());
    }
}
