package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.KeyAlgorithm;
import dev.jmdm.certsdev.Pem;
import dev.jmdm.server.identity.CertificateFingerprint;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.AuthMode;
import dev.jmdm.sim.DeviceFacts;
import dev.jmdm.sim.DeviceTransport;
import dev.jmdm.sim.EnrollmentProfile;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.ScepClient;
import dev.jmdm.sim.SetupAssistant;
import dev.jmdm.sim.SimulatedDevice;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Automated Device Enrollment, the device's side, end to end over HTTPS: a device Apple Business Manager assigned here
 * (seeded into dep_devices, as the DEP sync writes it) shows as a pending host, posts its MachineInfo signed by a
 * stand-in "Apple device" CA (passed as MDM_DEP_DEVICE_CA), gets the profile, runs SCEP, Authenticates, awaits
 * configuration while its ADE profile's setup steps run, gets DeviceConfigured; wiped, it comes back the same way
 * with a new identity and no admin step. Forged, unsigned and unassigned requests and reused challenges are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AdeScenarios {
    TlsStack tls;
    AdminClient admin;
    /** The stand-in for Apple's device CA chain: root (trusted by the server) and the intermediate that issues devices. */
    CertificateAuthority appleRoot;
    CertificateAuthority appleDevices;
    URI enrollUrl;
    /** Apple's DEP API, stood in by WireMock (helper dep's DepStandIn). */
    DepStandIn apple;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void start() throws Exception {
        appleRoot = CertificateAuthority.createRoot("Stand-in Apple Root CA", Duration.ofDays(3650));
        appleDevices = appleRoot.intermediate("Stand-in Apple iPhone Device CA", Duration.ofDays(3650));
        Path anchor = Files.createTempFile("stand-in-apple-root", ".pem");
        Files.writeString(anchor, Pem.encode(appleRoot.certificate()));
        apple = new DepStandIn();
        tls = new TlsStack(engine(), Map.of("MDM_DEP_DEVICE_CA", anchor.toString(), "MDM_PROFILE_SWEEP", "0",
                "MDM_DEP_URL", apple.url().toString(), "MDM_DEP_SYNC", "0"));
        admin = tls.admin;
        tls.uploadPushCert();
        enrollUrl = tls.base().resolve("/mdm/enroll");
        adeProfile("staff", true);
        adeProfile("kiosk", false);
        adeProfile("quick", true);
    }

    @AfterAll
    void stop() {
        if (tls != null) {
            tls.close();
        }
        if (apple != null) {
            apple.close();
        }
    }

    @Test
    void aDeviceTheDepSyncListedEnrollsThroughSetupAssistant() throws Exception {
        // The ABM side through the DEP stand-in: token, an ADE profile that awaits configuration, one sync.
        java.security.cert.X509Certificate depCert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(
                        admin.send("GET", "/v1/dep/certificate", null).body().getBytes(StandardCharsets.US_ASCII)));
        AdminClient.Reply token = admin.send("PUT", "/v1/dep/tokens/ade", DepStandIn.tokenFile(depCert));
        assertThat(token.status()).as(token.body()).isEqualTo(200);
        String profile = "abm-" + UUID.randomUUID().toString().substring(0, 8);
        put("/v1/dep/profiles/" + profile, "{\"profile_name\": \"ADE test\", \"await_device_configured\": true}");
        put("/v1/dep/profiles/" + profile + "/setup", "{\"steps\": [{\"command\": {\"request_type\": \"ProfileList\"}}]}");
        DeviceFacts facts = DeviceFacts.generate(DeviceFacts.Platform.MACOS, udid());
        apple.devices(List.of(DepStandIn.device(facts.serialNumber(), "MacBook Air", "MIDNIGHT", "MBA 13", "Mac")), 10);
        AdminClient.Reply sync = admin.send("POST", "/v1/dep/tokens/ade/sync", null);
        assertThat(sync.status()).as(sync.body()).isEqualTo(200);
        put("/v1/dep/profiles/" + profile + "/devices", "{\"serials\": [\"" + facts.serialNumber() + "\"]}");
        assertThat(hostBySerial(facts.serialNumber()).get("status").asText()).isEqualTo("pending");

        SimulatedDevice mac = device(SetupAssistant.fetchProfile(tls.http, enrollUrl, facts, appleIdentity(facts)), facts);
        mac.enrollAwaitingConfiguration();
        assertThat(SetupAssistant.untilConfigured(mac, 20)).extracting(HandledCommand::requestType).contains("DeviceConfigured");
        JsonNode host = host(facts.udid());
        assertThat(host.get("status").asText()).isEqualTo("enrolled");
        assertThat(host.get("setup").get("state").asText()).isEqualTo("configured");
        assertThat(host.get("setup").get("profile").asText()).isEqualTo(profile);
        assertThat(host.get("setup").get("of").asInt()).isEqualTo(2);
    }

    @Test
    void anAssignedDeviceEnrollsThroughSetupAssistantRunsItsSetupStepsAndComesBackAfterAWipe() throws Exception {
        String dock = "dev.jmdm.test.ade.dock." + UUID.randomUUID();
        upload(dock);
        put("/v1/dep/profiles/staff/setup", """
                {"steps": [{"profile": "%s"}, {"command": {"request_type": "DeviceInformation", "queries": ["DeviceName"]}}]}""".formatted(dock));
        DeviceFacts facts = DeviceFacts.generate(DeviceFacts.Platform.MACOS, udid());
        assign(facts.serialNumber(), "staff");
        JsonNode pending = hostBySerial(facts.serialNumber());
        assertThat(pending.get("status").asText()).isEqualTo("pending");

        EnrollmentProfile installed = SetupAssistant.fetchProfile(tls.http, enrollUrl, facts, appleIdentity(facts));
        assertThat(installed.isScep()).isTrue();
        JsonNode enrolling = host(pending.get("id").asText());
        assertThat(enrolling.get("udid").asText()).as("the UDID the MachineInfo proved").isEqualTo(facts.udid());
        assertThat(enrolling.get("setup").get("state").asText()).isEqualTo("enrolling");
        assertThat(enrolling.get("setup").get("profile").asText()).isEqualTo("staff");

        SimulatedDevice mac = device(installed, facts);
        mac.enrollAwaitingConfiguration();
        List<HandledCommand> handled = SetupAssistant.untilConfigured(mac, 20);
        List<String> types = handled.stream().map(HandledCommand::requestType).toList();
        assertThat(types).contains("InstallProfile", "DeviceInformation", "DeviceConfigured");
        assertThat(types.indexOf("InstallProfile")).isLessThan(types.lastIndexOf("DeviceInformation"));
        assertThat(types.lastIndexOf("DeviceInformation")).isLessThan(types.indexOf("DeviceConfigured"));
        assertThat(mac.state().deviceConfiguredCount()).isEqualTo(1);
        assertThat(mac.state().profiles()).containsKey(dock);
        assertThat(mac.channel().poll()).extracting(HandledCommand::requestType).doesNotContain("DeviceConfigured");

        JsonNode configured = host(facts.udid());
        assertThat(configured.get("id").asLong()).as("the pending host is the enrolled one").isEqualTo(pending.get("id").asLong());
        assertThat(configured.get("status").asText()).isEqualTo("enrolled");
        assertThat(configured.get("setup").get("state").asText()).isEqualTo("configured");
        assertThat(configured.get("setup").get("step").asInt()).isEqualTo(3);
        assertThat(configured.get("setup").get("of").asInt()).isEqualTo(3);
        assertThat(configured.get("setup").has("error")).isFalse();
        assertThat(hostProfileStatus(facts.udid(), dock)).isEqualTo("verified");
        JsonNode cert = admin.send("GET", "/v1/hosts/" + facts.udid() + "/certificates", null).json().get("certificates").get(0);
        assertThat(cert.get("ade_device").asText()).isEqualTo(facts.serialNumber());
        assertThat(cert.get("for_device").asText()).isEqualTo(facts.udid());
        assertThat(cert.get("udid").asText()).isEqualTo(facts.udid());

        // Wiped through the API: the device erases itself and Setup Assistant enrolls it again, with a new key.
        AdminClient.Reply wipe = admin.send("POST", "/v1/hosts/" + facts.udid() + "/wipe?nopush=1",
                ("{\"confirm\": \"" + facts.serialNumber() + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(wipe.status()).as(wipe.body()).isEqualTo(200);
        assertThat(mac.channel().poll()).extracting(HandledCommand::requestType).containsExactly("EraseDevice");
        SimulatedDevice back = comeBack(facts, mac);
        assertThat(back.state().deviceConfiguredCount()).isEqualTo(1);
        assertThat(bound(facts.udid())).isEqualTo(CertificateFingerprint.sha256Hex(back.identity().certificate()))
                .isNotEqualTo(CertificateFingerprint.sha256Hex(mac.identity().certificate()));
        Refusals.notThisDevice(mac.channel().idle(), "the identity the device had before the wipe");
        assertThat(host(facts.udid()).get("setup").get("state").asText()).isEqualTo("configured");

        // Erased by hand (no wipe from this server, so no re-bind grant): the certificate Setup Assistant's
        // challenge bound to this device is what lets it back in.
        SimulatedDevice again = comeBack(facts, back);
        assertThat(bound(facts.udid())).isEqualTo(CertificateFingerprint.sha256Hex(again.identity().certificate()));
        Refusals.notThisDevice(back.channel().idle(), "the identity the device had before it was erased by hand");
        assertThat(admin.send("GET", "/v1/hosts?status=pending", null).json().get("hosts").findValuesAsText("serial_number"))
                .doesNotContain(facts.serialNumber());
    }

    @Test
    void aCertificateBoundToOneDeviceCannotSpeakForAnother() throws Exception {
        DeviceFacts a = DeviceFacts.generate(DeviceFacts.Platform.MACOS, udid());
        DeviceFacts b = DeviceFacts.generate(DeviceFacts.Platform.MACOS, udid());
        assign(a.serialNumber(), "kiosk");
        assign(b.serialNumber(), "kiosk");
        EnrollmentProfile pa = SetupAssistant.fetchProfile(tls.http, enrollUrl, a, appleIdentity(a));
        SimulatedDevice devA = device(pa, a);
        devA.enroll();
        SimulatedDevice devB = device(SetupAssistant.fetchProfile(tls.http, enrollUrl, b, appleIdentity(b)), b);
        devB.enroll();
        assertThat(host(a.udid()).get("setup").get("state").asText()).as("no Await Device Configured").isEqualTo("enrolled");
        assertThat(devA.state().deviceConfiguredCount()).isZero();

        // A fetches a new profile (a second Setup Assistant run): that certificate, used by no device yet, is A's alone.
        EnrollmentProfile next = SetupAssistant.fetchProfile(tls.http, enrollUrl, a, appleIdentity(a));
        SimulatedDevice takeover = new SimulatedDevice(transport(next.identity()), next.identity(), b, next.topic(), null)
                .authMode(AuthMode.MDM_SIGNATURE);
        Refusals.notThisDevice(takeover.authenticate(), "a certificate minted for device A naming device B");
        assertThat(bound(b.udid())).isEqualTo(CertificateFingerprint.sha256Hex(devB.identity().certificate()));
        // Nor may it enroll a device this server has never seen.
        DeviceFacts c = DeviceFacts.generate(DeviceFacts.Platform.MACOS, udid());
        SimulatedDevice stranger = new SimulatedDevice(transport(next.identity()), next.identity(), c, next.topic(), null)
                .authMode(AuthMode.MDM_SIGNATURE);
        Refusals.notThisDevice(stranger.authenticate(), "a certificate minted for device A naming a new device");
        assertThat(admin.send("GET", "/v1/hosts/" + c.udid(), null).status()).isEqualTo(404);
        // For A itself it is good: A comes back with it, no admin step.
        SimulatedDevice aAgain = device(next, a);
        aAgain.enroll();
        assertThat(bound(a.udid())).isEqualTo(CertificateFingerprint.sha256Hex(next.identity().certificate()));
        Refusals.notThisDevice(devA.channel().idle(), "A's previous identity");
    }

    @Test
    void withNoSetupStepsDeviceConfiguredGoesOutAtOnce() throws Exception {
        DeviceFacts facts = DeviceFacts.generate(DeviceFacts.Platform.IOS, udid());
        assign(facts.serialNumber(), "quick");
        SimulatedDevice phone = device(SetupAssistant.fetchProfile(tls.http, enrollUrl, facts, appleIdentity(facts)), facts);
        phone.enrollAwaitingConfiguration();
        assertThat(SetupAssistant.untilConfigured(phone, 10)).extracting(HandledCommand::requestType).endsWith("DeviceConfigured");
        JsonNode setup = host(facts.udid()).get("setup");
        assertThat(setup.get("state").asText()).isEqualTo("configured");
        assertThat(setup.get("of").asInt()).isEqualTo(1);
    }

    @Test
    void forgedUnsignedAndUnassignedRequestsGetNoProfile() throws Exception {
        DeviceFacts facts = DeviceFacts.generate(DeviceFacts.Platform.MACOS, udid());
        assign(facts.serialNumber(), "kiosk");
        byte[] info = SetupAssistant.machineInfo(facts);

        // Signed by a CA that is not MDM_DEP_DEVICE_CA (a forger's "Apple" CA with the same name).
        CertificateAuthority forger = CertificateAuthority.createRoot("Stand-in Apple Root CA", Duration.ofDays(365));
        Issued forged = forger.intermediate("Stand-in Apple iPhone Device CA", Duration.ofDays(365))
                .issueDeviceIdentity(facts.udid(), Duration.ofDays(30), KeyAlgorithm.RSA_2048);
        refused(SetupAssistant.post(tls.http, enrollUrl, SetupAssistant.sign(info, forged)), 403, "MDM_DEP_DEVICE_CA");
        // Unsigned: the plist alone.
        refused(SetupAssistant.post(tls.http, enrollUrl, info), 403, "not signed");
        // Signed, then altered: the signature no longer covers the content.
        byte[] tampered = SetupAssistant.sign(info, appleIdentity(facts));
        int at = indexOf(tampered, facts.serialNumber().getBytes(StandardCharsets.UTF_8));
        tampered[at] = (byte) (tampered[at] == 'A' ? 'B' : 'A');
        refused(SetupAssistant.post(tls.http, enrollUrl, tampered), 403, "does not verify");
        // Properly signed, but ABM never assigned the serial here (or disowned it).
        DeviceFacts stranger = DeviceFacts.generate(DeviceFacts.Platform.MACOS, udid());
        refused(SetupAssistant.post(tls.http, enrollUrl, SetupAssistant.sign(SetupAssistant.machineInfo(stranger), appleIdentity(stranger))),
                403, "not assigned");
        DeviceFacts disowned = DeviceFacts.generate(DeviceFacts.Platform.MACOS, udid());
        assign(disowned.serialNumber(), "kiosk");
        tls.server.jdbi().useHandle(h -> h.createUpdate("UPDATE dep_devices SET disowned_at = 1 WHERE serial_number = :s")
                .bind("s", disowned.serialNumber()).execute());
        refused(SetupAssistant.post(tls.http, enrollUrl, SetupAssistant.sign(SetupAssistant.machineInfo(disowned), appleIdentity(disowned))),
                403, "not assigned");
        // Signed by a trusted device, but not a MachineInfo.
        refused(SetupAssistant.post(tls.http, enrollUrl, SetupAssistant.sign("<plist><array/></plist>".getBytes(StandardCharsets.UTF_8),
                appleIdentity(facts))), 400, "not a dictionary");
        refused(SetupAssistant.post(tls.http, enrollUrl, new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}), 403, "not CMS");
        assertThat(SetupAssistant.post(tls.http, enrollUrl, new byte[70 * 1024]).statusCode()).isEqualTo(413);
        assertThat(admin.send("GET", "/v1/hosts/" + facts.udid(), null).status()).as("refusals create no host").isEqualTo(404);

        // The profile's challenge issues one certificate: a copy of the profile gets nothing more.
        HttpResponse<byte[]> ok = SetupAssistant.post(tls.http, enrollUrl, SetupAssistant.sign(info, appleIdentity(facts)));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/x-apple-aspen-config");
        EnrollmentProfile profile = EnrollmentProfile.read(ok.body());
        String challenge = profile.scepContent().get("Challenge").toJavaObject().toString();
        ScepClient scep = new ScepClient(tls.http, tls.base().resolve("/scep"));
        assertThat(scep.enroll(rsa(), new X500Name("CN=" + facts.udid()), challenge).success()).isTrue();
        ScepClient.Reply reused = scep.enroll(rsa(), new X500Name("CN=" + facts.udid()), challenge);
        assertThat(reused.failInfo()).isEqualTo("2"); // badRequest
        assertThat(reused.failInfoText()).contains("already used");
    }

    @Test
    void setupStepsAreCheckedWhenTheyAreSet() {
        assertThat(admin.send("PUT", "/v1/dep/profiles/no-such/setup", "{\"steps\": []}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(404);
        refused(admin.send("PUT", "/v1/dep/profiles/kiosk/setup", "{\"steps\": [{\"profile\": \"not.stored\"}]}".getBytes(StandardCharsets.UTF_8)),
                400, "not.stored");
        refused(admin.send("PUT", "/v1/dep/profiles/kiosk/setup",
                "{\"steps\": [{\"command\": {\"request_type\": \"Nonsense\"}}]}".getBytes(StandardCharsets.UTF_8)), 400, "steps[0].command");
        refused(admin.send("PUT", "/v1/dep/profiles/kiosk/setup", "{\"steps\": [{\"profile\": \"a\", \"command\": {}}]}".getBytes(StandardCharsets.UTF_8)),
                400, "steps[0]");
        refused(admin.send("PUT", "/v1/dep/profiles/kiosk/setup", "{}".getBytes(StandardCharsets.UTF_8)), 400, "steps");
        put("/v1/dep/profiles/kiosk/setup", "{\"steps\": [{\"command\": {\"request_type\": \"ProfileList\"}}]}");
        JsonNode shown = admin.send("GET", "/v1/dep/profiles/kiosk/setup", null).json();
        assertThat(shown.get("steps").get(0).get("command").get("request_type").asText()).isEqualTo("ProfileList");
        put("/v1/dep/profiles/kiosk/setup", "{\"steps\": []}");
    }

    // ---- fixtures --------------------------------------------------------------------------------------------------

    /** An ADE profile, as the DEP side stores it (until its sync and API are on this branch: a row). */
    void adeProfile(String name, boolean await) {
        tls.server.jdbi().useHandle(h -> h.createUpdate("""
                INSERT INTO dep_profiles (name, body, await_device_configured, is_default, created_at, updated_at)
                VALUES (:n, :b, :a, FALSE, 0, 0)""")
                .bind("n", name).bind("b", "{\"profile_name\": \"" + name + "\"}").bind("a", await).execute());
    }

    /** ABM assigned the serial to this server with the ADE profile; the sync makes it a pending host. */
    void assign(String serial, String profile) {
        tls.server.jdbi().useHandle(h -> h.createUpdate("""
                INSERT INTO dep_devices (serial_number, token_name, model, profile_name, assigned_at, updated_at)
                VALUES (:s, 'test-token', 'Mac', :p, 0, 0)""")
                .bind("s", serial).bind("p", profile).execute());
        AdminClient.Reply r = admin.send("POST", "/v1/hosts", ("{\"serials\": [\"" + serial + "\"]}").getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isIn(200, 201);
    }

    /** The device's own identity, as Apple issues it: it signs the MachineInfo. */
    Issued appleIdentity(DeviceFacts facts) {
        return appleDevices.issueDeviceIdentity(facts.udid(), Duration.ofDays(365), KeyAlgorithm.RSA_2048);
    }

    /** The device was erased: Setup Assistant enrolls it again with a new key, awaits configuration, is configured. */
    SimulatedDevice comeBack(DeviceFacts facts, SimulatedDevice before) throws Exception {
        before.erase();
        EnrollmentProfile installed = SetupAssistant.fetchProfile(tls.http, enrollUrl, facts, appleIdentity(facts));
        SimulatedDevice back = device(installed, facts);
        back.enrollAwaitingConfiguration();
        List<String> types = SetupAssistant.untilConfigured(back, 20).stream().map(HandledCommand::requestType).toList();
        // The erased device lost the profile: its step installs it again before Setup Assistant may go on.
        assertThat(types).contains("InstallProfile", "DeviceConfigured");
        assertThat(types.indexOf("InstallProfile")).isLessThan(types.indexOf("DeviceConfigured"));
        assertThat(back.state().profiles()).isNotEmpty();
        return back;
    }

    SimulatedDevice device(EnrollmentProfile installed, DeviceFacts facts) {
        return new SimulatedDevice(transport(installed.identity()), installed.identity(), facts, installed.topic(), null)
                .authMode(AuthMode.MDM_SIGNATURE);
    }

    private DeviceTransport transport(Issued identity) {
        return new DeviceTransport(tls.client(identity, HttpClient.Version.HTTP_2), tls.base().resolve("/mdm"),
                tls.base().resolve("/mdm/checkin"));
    }

    void upload(String identifier) {
        AdminClient.Reply r = admin.send("POST", "/v1/profiles",
                dev.jmdm.sim.Profiles.withOnePayload(identifier, UUID.randomUUID().toString().toUpperCase(), "ADE dock", "com.apple.dock", 40));
        assertThat(r.status()).as(r.body()).isIn(200, 201);
    }

    void put(String path, String json) {
        AdminClient.Reply r = admin.send("PUT", path, json.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    JsonNode host(String ref) {
        AdminClient.Reply r = admin.send("GET", "/v1/hosts/" + ref, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    JsonNode hostBySerial(String serial) {
        return host(serial);
    }

    String hostProfileStatus(String udid, String identifier) {
        for (JsonNode p : admin.send("GET", "/v1/hosts/" + udid + "/profiles", null).json().get("profiles")) {
            if (p.get("identifier").asText().equals(identifier)) {
                return p.get("status").asText();
            }
        }
        return null;
    }

    String bound(String udid) {
        return admin.certificate(udid).json().get("certificate").get("sha256").asText();
    }

    static void refused(AdminClient.Reply r, int status, String says) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).contains(says);
    }

    static void refused(HttpResponse<byte[]> r, int status, String says) {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(r.statusCode()).as(body).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(body).contains("\"error\"").contains(says);
    }

    static String udid() {
        return UUID.randomUUID().toString().toUpperCase();
    }

    static java.security.KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }
}
