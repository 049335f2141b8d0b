package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.KeyAlgorithm;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.AuthMode;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.DeviceTransport;
import dev.jmdm.sim.EnrollmentProfile;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.ServerReply;
import dev.jmdm.sim.SimulatedDevice;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * HTTPS, mutual TLS and enrollment profiles end to end, on a server started from certs-dev's files: real TLS
 * handshakes (HTTP/2 through ALPN), real client certificates, a real signed profile whose identity a simulated
 * device then enrolls with. Profiles carry PKCS#12 identities here (MDM_ENROLL_IDENTITY=pkcs12).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class TlsEnrollmentScenarios {
    /**
     * Keys of the com.apple.mdm payload in Apple's schema (apple/device-management mdm/profiles/com.apple.mdm.yaml)
     * plus the general payload keys.
     */
    static final Set<String> APPLE_MDM_KEYS = Set.of("IdentityCertificateUUID", "Topic", "ServerURL", "CheckInURL",
            "SignMessage", "AccessRights", "UseDevelopmentAPNS", "ManagedAppleID", "AssignedManagedAppleID", "EnrollmentMode",
            "ServerURLPinningCertificateUUIDs", "CheckInURLPinningCertificateUUIDs", "PinningRevocationCheckRequired",
            "ServerCapabilities", "CheckOutWhenRemoved", "RequiredAppIDForMDM", "PromptUserToAllowBootstrapTokenForAuthentication",
            "PayloadType", "PayloadIdentifier", "PayloadUUID", "PayloadVersion", "PayloadDisplayName", "PayloadDescription",
            "PayloadOrganization");
    /** Keys of com.apple.security.pkcs12 (mdm/profiles/com.apple.security.pkcs12.yaml) plus the general ones. */
    static final Set<String> APPLE_PKCS12_KEYS = Set.of("PayloadCertificateFileName", "PayloadContent", "Password",
            "AllowAllAppsAccess", "KeyIsExtractable", "PayloadType", "PayloadIdentifier", "PayloadUUID", "PayloadVersion",
            "PayloadDisplayName", "PayloadDescription", "PayloadOrganization");

    TlsStack tls;
    AdminClient admin;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void start() throws Exception {
        // The PKCS#12 identity payload (still available); SCEP, the default, is ScepScenarios' subject.
        tls = new TlsStack(engine(), Map.of("MDM_ENROLL_IDENTITY", "pkcs12"));
        admin = tls.admin;
    }

    @AfterAll
    void stop() {
        if (tls != null) {
            tls.close();
        }
    }

    @Test
    @Order(1)
    void withoutAPushCertificateTheProfileIsAClearErrorThenWorksOnceUploaded() throws Exception {
        HttpResponse<String> refused = get(tls.http, "/mdm/enroll");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(refused.body()).contains("no push certificate is stored").contains("PUT /v1/pushcert");

        tls.uploadPushCert();
        HttpResponse<byte[]> ok = download(tls.http, "/mdm/enroll");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/x-apple-aspen-config");
    }

    @Test
    void httpsServesHttp2AndHttp11WithoutAClientCertificate() throws Exception {
        HttpResponse<String> h2 = get(tls.http, "/version");
        assertThat(h2.statusCode()).isEqualTo(200);
        assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(tls.base().getScheme()).isEqualTo("https");

        HttpResponse<String> h1 = get(tls.client(null, HttpClient.Version.HTTP_1_1), "/version");
        assertThat(h1.statusCode()).isEqualTo(200);
        assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        // The admin API works for a client that has no certificate at all.
        assertThat(admin.enrollments("limit=1").status()).isEqualTo(200);
    }

    @Test
    void theTlsClientCertificateAloneIdentifiesADeviceOverHttp11() throws Exception {
        tls.uploadPushCert();
        Issued identity = tls.stack.deviceCa().issueDeviceIdentity("mtls-device", Duration.ofDays(1), KeyAlgorithm.EC_P256);
        HttpClient client = tls.client(identity, HttpClient.Version.HTTP_1_1);
        SimulatedDevice mac = SimulatedDevice.mac(new DeviceTransport(client, tls.base().resolve("/mdm")), identity,
                tls.stack.pushTopic()).authMode(AuthMode.MTLS);
        mac.enroll();

        Commands.Built cmd = Commands.of("ProfileList");
        assertThat(admin.enqueue(cmd.plist(), List.of(mac.enrollmentId()), true).status()).isEqualTo(200);
        assertThat(mac.channel().poll()).extracting(HandledCommand::commandUuid).contains(cmd.commandUuid());
        assertThat(get(client, "/version").version()).isEqualTo(HttpClient.Version.HTTP_1_1);

        // Without the client certificate the same device has no identity: 400, never 401.
        SimulatedDevice anonymous = SimulatedDevice.mac(new DeviceTransport(tls.http, tls.base().resolve("/mdm")), identity,
                tls.stack.pushTopic()).authMode(AuthMode.NONE);
        ServerReply noCert = anonymous.authenticate();
        assertThat(noCert.status()).isEqualTo(400);
        assertThat(noCert.text()).contains("no TLS client certificate");
    }

    @Test
    void aDeviceEnrollsWithTheDownloadedIdentityAndAnswersACommandOverMutualTlsOnly() throws Exception {
        tls.uploadPushCert();
        EnrollmentProfile profile = downloadProfile();
        // The identity travels only in the TLS handshake (HTTP/2): no Mdm-Signature, no proxy header.
        HttpClient client = tls.client(profile.identity(), HttpClient.Version.HTTP_2);
        SimulatedDevice device = SimulatedDevice.iphone(profile.transport(client), profile.identity(), profile.topic())
                .authMode(AuthMode.MTLS);
        device.enroll();
        assertThat(get(client, "/version").version()).isEqualTo(HttpClient.Version.HTTP_2);

        Commands.Built cmd = Commands.deviceInformation("SerialNumber");
        assertThat(admin.enqueue(cmd.plist(), List.of(device.enrollmentId()), true).status()).isEqualTo(200);
        assertThat(device.channel().poll()).extracting(HandledCommand::commandUuid).contains(cmd.commandUuid());
        JsonNode result = admin.command(cmd.commandUuid()).json().get("enrollments").get(0);
        assertThat(result.get("status").asText()).isEqualTo("Acknowledged");
        assertThat(result.toString()).contains(device.facts().serialNumber());
    }

    /** The README quickstart's simulated device: the command-line tool on a downloaded profile file. */
    @Test
    void theQuickstartsCommandLineDeviceEnrollsFromTheProfileFileAndAnswersOverMutualTls() throws Exception {
        tls.uploadPushCert();
        Path profileFile = tls.dir.resolve("enroll-" + UUID.randomUUID() + ".mobileconfig");
        Files.write(profileFile, download(tls.http, "/mdm/enroll").body());
        String udid = UUID.randomUUID().toString().toUpperCase();
        String[] common = {"--profile", profileFile.toString(), "--cacert", tls.stack.files().caCert().toString(), "--udid", udid};

        assertThat(cli("enroll", common)).isZero();
        Commands.Built cmd = Commands.of("ProfileList");
        admin.enqueue(cmd.plist(), List.of(udid), true);
        assertThat(cli("poll", common, "--auth", "mtls")).isZero();
        assertThat(admin.command(cmd.commandUuid()).json().get("enrollments").get(0).get("status").asText()).isEqualTo("Acknowledged");
    }

    private static int cli(String action, String[] common, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(action));
        args.addAll(List.of(common));
        args.addAll(List.of(more));
        java.io.PrintWriter out = new java.io.PrintWriter(System.out, true);
        return dev.jmdm.sim.cli.SimCli.run(out, out, args.toArray(String[]::new));
    }

    @Test
    void renewingTheTlsIdentityRebindsTheDeviceAndRetiresTheOldCertificate() throws Exception {
        tls.uploadPushCert();
        Issued first = downloadProfile().identity();
        SimulatedDevice mac = mtlsMac(first);
        mac.enroll();

        // Renewal: the admin opens a window, the device gets a new identity (here from a second download) and
        // presents it on a new connection.
        assertThat(admin.allowRenewal(mac.udid()).status()).isEqualTo(200);
        Issued renewed = downloadProfile().identity();
        mac.useIdentity(renewed);
        mac.useTransport(mtlsTransport(renewed));
        mac.enroll();
        Commands.Built cmd = Commands.of("ProfileList");
        assertThat(admin.enqueue(cmd.plist(), List.of(mac.enrollmentId()), true).status()).isEqualTo(200);
        assertThat(mac.channel().poll()).extracting(HandledCommand::commandUuid).contains(cmd.commandUuid());

        mac.useIdentity(first);
        mac.useTransport(mtlsTransport(first));
        ServerReply retired = mac.channel().idle();
        Refusals.notThisDevice(retired, "the replaced certificate no longer speaks for the device");
        assertThat(retired.text()).contains("not bound");
    }

    @Test
    void aTlsCertificateBoundToOneDeviceIsRefusedForAnotherOnEveryPathAndNothingIsStored() throws Exception {
        tls.uploadPushCert();
        Issued a = downloadProfile().identity();
        SimulatedDevice deviceA = mtlsMac(a);
        deviceA.enroll();
        SimulatedDevice deviceC = mtlsMac(downloadProfile().identity());
        deviceC.enroll();
        Commands.Built forC = Commands.of("ProfileList");
        admin.enqueue(forC.plist(), List.of(deviceC.enrollmentId()), true);

        // A new device B cannot enroll with A's certificate.
        SimulatedDevice b = mtlsMac(a);
        Refusals.notThisDevice(b.authenticate(), "A's certificate cannot enroll B");
        assertThat(admin.enrollments("id=" + b.udid()).json().get("enrollments")).isEmpty();

        // Nor speak for C: check-in, command report, user channel.
        SimulatedDevice cWithAsCert = new SimulatedDevice(mtlsTransport(a), a, deviceC.facts(), tls.stack.pushTopic(), null)
                .authMode(AuthMode.MTLS);
        Refusals.notThisDevice(cWithAsCert.channel().tokenUpdate(), "tokenUpdate for C with A's certificate");
        Refusals.notThisDevice(cWithAsCert.channel().idle(), "idle for C with A's certificate");
        Refusals.notThisDevice(cWithAsCert.channel().report("Acknowledged", forC.commandUuid(), null), "answer for C with A's certificate");
        Refusals.notThisDevice(cWithAsCert.user("U-1", "mallory", "Mallory").tokenUpdate(), "user channel on C with A's certificate");

        // Nothing of that was stored: C keeps one enrollment, its command is still queued, and C gets it.
        assertThat(admin.enrollments("id=" + deviceC.udid()).json().get("enrollments")).hasSize(1);
        assertThat(admin.command(forC.commandUuid()).json().get("enrollments").get(0).get("status").asText()).isEqualTo("Queued");
        assertThat(deviceC.channel().poll()).extracting(HandledCommand::commandUuid).contains(forC.commandUuid());
        assertThat(deviceA.channel().idle().status()).isEqualTo(200);
    }

    @Test
    void anExpiredTlsClientCertificateIsRefusedBeforeAndAfterBinding() throws Exception {
        tls.uploadPushCert();
        java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Issued expired = tls.stack.deviceCa().issue(CertificateAuthority.deviceIdentitySpec("expired, over mTLS")
                .validity(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))).keyAlgorithm(KeyAlgorithm.EC_P256).build());
        SimulatedDevice stale = mtlsMac(expired);
        ServerReply refused = stale.authenticate();
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text()).contains("expired");
        assertThat(stale.channel().idle().status()).isEqualTo(400);
        assertThat(admin.enrollments("id=" + stale.udid()).json().get("enrollments")).isEmpty();

        // A bound certificate that expires stops working on the same TLS connection setup it was accepted on.
        Issued shortLived = tls.stack.deviceCa().issue(CertificateAuthority.deviceIdentitySpec("short-lived, over mTLS")
                .validity(now.minus(Duration.ofMinutes(1)), now.plusSeconds(3)).keyAlgorithm(KeyAlgorithm.EC_P256).build());
        SimulatedDevice mac = mtlsMac(shortLived);
        mac.enroll();
        assertThat(mac.channel().idle().status()).isEqualTo(200);
        Thread.sleep(Math.max(0, Duration.between(java.time.Instant.now(), now.plusSeconds(4)).toMillis()));
        ServerReply afterExpiry = mac.channel().idle();
        assertThat(afterExpiry.status()).isEqualTo(400);
        assertThat(afterExpiry.text()).contains("expired");
    }

    @Test
    void aClientCertificateFromAForeignCaIsRefusedAndNothingIsStored() {
        CertificateAuthority foreign = CertificateAuthority.createRoot("foreign CA", Duration.ofDays(2));
        Issued identity = foreign.issueDeviceIdentity("foreign-device", Duration.ofDays(1), KeyAlgorithm.EC_P256);
        HttpClient client = tls.client(identity, HttpClient.Version.HTTP_2);
        SimulatedDevice mac = SimulatedDevice.mac(new DeviceTransport(client, tls.base().resolve("/mdm")), identity,
                tls.stack.pushTopic()).authMode(AuthMode.MTLS);

        ServerReply auth = mac.authenticate();
        assertThat(auth.status()).isEqualTo(400);
        assertThat(auth.text()).contains("not issued by a trusted CA");
        ServerReply token = mac.channel().tokenUpdate();
        assertThat(token.status()).isEqualTo(400);
        assertThat(admin.enrollments("id=" + mac.udid()).json().get("enrollments")).isEmpty();
    }

    @Test
    void theEnrollmentProfileIsSignedAndItsIdentityEnrollsADevice() throws Exception {
        tls.uploadPushCert();
        EnrollmentProfile profile = downloadProfile();

        // CMS SignedData with the content attached, whose signature EnrollmentProfile.read verified: signed by the
        // TLS certificate (the default signer).
        assertThat(profile.signer()).isEqualTo(tls.stack.server().certificate());

        NSDictionary p12Payload = profile.identityPayload();
        NSDictionary mdm = profile.mdmPayload();
        assertThat(profile.plist().get("PayloadType").toJavaObject()).isEqualTo("Configuration");
        assertThat(((NSArray) profile.plist().get("PayloadContent")).getArray()).hasSize(2);
        assertThat(p12Payload.get("PayloadType").toJavaObject()).isEqualTo("com.apple.security.pkcs12");
        assertThat(mdm.get("PayloadType").toJavaObject()).isEqualTo("com.apple.mdm");
        assertThat(APPLE_PKCS12_KEYS).containsAll(p12Payload.keySet());
        assertThat(APPLE_MDM_KEYS).containsAll(mdm.keySet());

        String base = tls.base().toString();
        assertThat(mdm.get("ServerURL").toJavaObject()).isEqualTo(base + "/mdm");
        assertThat(mdm.get("CheckInURL").toJavaObject()).isEqualTo(base + "/mdm/checkin");
        assertThat(mdm.get("Topic").toJavaObject()).isEqualTo(tls.stack.pushTopic());
        assertThat(mdm.get("IdentityCertificateUUID").toJavaObject()).isEqualTo(p12Payload.get("PayloadUUID").toJavaObject());
        assertThat(mdm.get("AccessRights").toJavaObject()).isEqualTo(8191);
        assertThat(mdm.get("SignMessage").toJavaObject()).isEqualTo(true);
        assertThat(mdm.get("CheckOutWhenRemoved").toJavaObject()).isEqualTo(true);
        assertThat((Object[]) mdm.get("ServerCapabilities").toJavaObject())
                .containsExactly("com.apple.mdm.per-user-connections", "com.apple.mdm.bootstraptoken");

        // The identity opened with the payload's Password (downloadProfile); it is a device identity of the device CA.
        Issued identity = profile.identity();
        assertThat(identity.certificate().getBasicConstraints()).isEqualTo(-1);
        assertThat(identity.certificate().getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.2");
        PKIXParameters pkix = new PKIXParameters(Set.of(new TrustAnchor(tls.stack.deviceCa().certificate(), null)));
        pkix.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(identity.certificate())), pkix);

        // A device installs the profile: it talks to ServerURL/CheckInURL with that identity, over TLS and
        // signing every message (SignMessage).
        SimulatedDevice device = SimulatedDevice.iphone(profile.transport(tls.client(identity, HttpClient.Version.HTTP_2)),
                identity, profile.topic());
        device.enroll();
        Commands.Built cmd = Commands.deviceInformation("SerialNumber");
        assertThat(admin.enqueue(cmd.plist(), List.of(device.enrollmentId()), true).status()).isEqualTo(200);
        assertThat(device.channel().poll()).extracting(HandledCommand::commandUuid).contains(cmd.commandUuid());
        JsonNode result = admin.command(cmd.commandUuid()).json().get("enrollments").get(0);
        assertThat(result.get("status").asText()).isEqualTo("Acknowledged");

        // Each download carries a new identity.
        EnrollmentProfile again = downloadProfile();
        assertThat(again.identityPayload().get("PayloadUUID").toJavaObject()).isNotEqualTo(p12Payload.get("PayloadUUID").toJavaObject());
        assertThat(again.identity().certificate()).isNotEqualTo(identity.certificate());
    }

    @Test
    void enrollmentLinksCountUsesExpireAndRevoke() throws Exception {
        tls.uploadPushCert();
        AdminClient.Reply created = createLink("{\"max_uses\": 2, \"note\": \"alice's phone\"}");
        assertThat(created.status()).isEqualTo(201);
        String token = created.json().get("token").asText();
        String id = created.json().get("id").asText();
        assertThat(token).hasSizeGreaterThanOrEqualTo(43);
        assertThat(created.json().get("url").asText()).isEqualTo(tls.base() + "/mdm/enroll?token=" + token);
        assertThat(created.json().get("status").asText()).isEqualTo("active");

        assertThat(download(tls.http, "/mdm/enroll?token=" + token).statusCode()).isEqualTo(200);
        assertThat(download(tls.http, "/mdm/enroll?token=" + token).statusCode()).isEqualTo(200);
        HttpResponse<String> third = get(tls.http, "/mdm/enroll?token=" + token);
        assertThat(third.statusCode()).isEqualTo(403);
        assertThat(third.body()).contains("used up");

        JsonNode listed = link(id);
        assertThat(listed.get("uses").asInt()).isEqualTo(2);
        assertThat(listed.get("status").asText()).isEqualTo("used_up");
        assertThat(listed.get("note").asText()).isEqualTo("alice's phone");
        assertThat(admin.send("GET", "/v1/enrollment-links", null).body()).doesNotContain(token).doesNotContain("\"token\"");

        // Expiry, by the server's clock.
        AdminClient.Reply expiring = createLink("{\"expires_at\": \"" + tls.clock.instant().plus(Duration.ofHours(1)) + "\"}");
        String expiringToken = expiring.json().get("token").asText();
        assertThat(download(tls.http, "/mdm/enroll?token=" + expiringToken).statusCode()).isEqualTo(200);
        tls.clock.advance(Duration.ofHours(2));
        HttpResponse<String> expired = get(tls.http, "/mdm/enroll?token=" + expiringToken);
        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(expired.body()).contains("expired");

        // Revocation.
        AdminClient.Reply revocable = createLink("");
        String revocableToken = revocable.json().get("token").asText();
        AdminClient.Reply revoked = admin.send("DELETE", "/v1/enrollment-links/" + revocable.json().get("id").asText(), null);
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().get("status").asText()).isEqualTo("revoked");
        HttpResponse<String> refused = get(tls.http, "/mdm/enroll?token=" + revocableToken);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("revoked");
        assertThat(admin.send("DELETE", "/v1/enrollment-links/" + UUID.randomUUID(), null).status()).isEqualTo(404);

        // A made-up token and bad requests.
        assertThat(get(tls.http, "/mdm/enroll?token=not-a-token").statusCode()).isEqualTo(403);
        assertThat(createLink("{\"max_uses\": 0}").status()).isEqualTo(400);
        assertThat(createLink("{\"expires_at\": \"tomorrow\"}").status()).isEqualTo(400);
        assertThat(createLink("{\"expires_at\": \"2001-01-01T00:00:00Z\"}").status()).isEqualTo(400);
        assertThat(createLink("{\"colour\": \"red\"}").status()).isEqualTo(400);
    }

    /** GET /mdm/enroll as a device's browser does; read as a device installs it (signature, identity, URLs). */
    private EnrollmentProfile downloadProfile() throws Exception {
        HttpResponse<byte[]> r = download(tls.http, "/mdm/enroll");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-apple-aspen-config");
        return EnrollmentProfile.read(r.body());
    }

    /** A device connection presenting {@code identity} as its TLS client certificate, at the profile's URLs. */
    private DeviceTransport mtlsTransport(Issued identity) {
        return new DeviceTransport(tls.client(identity, HttpClient.Version.HTTP_2), tls.base().resolve("/mdm"),
                tls.base().resolve("/mdm/checkin"));
    }

    /** A Mac whose only identity is its TLS client certificate. */
    private SimulatedDevice mtlsMac(Issued identity) {
        return SimulatedDevice.mac(mtlsTransport(identity), identity, tls.stack.pushTopic()).authMode(AuthMode.MTLS);
    }

    private AdminClient.Reply createLink(String json) {
        return admin.send("POST", "/v1/enrollment-links", json.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode link(String id) {
        for (JsonNode l : admin.send("GET", "/v1/enrollment-links", null).json().get("enrollment_links")) {
            if (l.get("id").asText().equals(id)) {
                return l;
            }
        }
        throw new AssertionError("link " + id + " not listed");
    }

    @Test
    void aFloodOfEnrollmentDownloadsGets503WithRetryAfterInsteadOfPinningTheCpuAndEnrollmentStillWorks() throws Exception {
        tls.uploadPushCert();
        // Far more at once than there are cores: each download makes an RSA-2048 key.
        int flood = 48;
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> sent = new java.util.ArrayList<>();
        for (int i = 0; i < flood; i++) {
            sent.add(tls.http.sendAsync(HttpRequest.newBuilder(tls.base().resolve("/mdm/enroll")).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        int busy = 0;
        for (var f : sent) {
            HttpResponse<String> r = f.get(90, java.util.concurrent.TimeUnit.SECONDS);
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
                assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
                assertThat(r.body()).contains("too many enrollment profiles");
                busy++;
            }
        }
        assertThat(busy).as("refused while every issuing permit was taken").isPositive();
        assertThat(ok).as("served while the flood lasted").isPositive();
        assertThat(admin.send("GET", "/metrics", null).body()).containsPattern("mdm_work_shed_total\\{queue=\"enroll\"} [1-9]");
        // Once it is over, a download goes through and its identity enrolls.
        EnrollmentProfile profile = downloadProfile();
        SimulatedDevice enrolled = SimulatedDevice.iphone(profile.transport(tls.client(profile.identity(), HttpClient.Version.HTTP_2)),
                profile.identity(), profile.topic()).authMode(AuthMode.MTLS);
        enrolled.enroll();
        assertThat(admin.enrollments("id=" + enrolled.udid()).json().get("enrollments")).hasSize(1);
    }

    private HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(tls.base().resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> download(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(tls.base().resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
