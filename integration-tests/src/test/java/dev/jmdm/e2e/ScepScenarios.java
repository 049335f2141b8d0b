package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.AuthMode;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.DeviceFacts;
import dev.jmdm.sim.DeviceTransport;
import dev.jmdm.sim.EnrollmentProfile;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.ScepClient;
import dev.jmdm.sim.SimulatedDevice;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import dev.jmdm.certsdev.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SCEP end to end on a server started from certs-dev's files (HTTPS): profiles carry a SCEP payload with a one-time
 * challenge, the simulated device runs it (its own RSA key, PKCSReq, CertRep opened with its key), then enrolls
 * with the issued identity; challenges cannot be reused, expire, and are checked; identities issued for an
 * enrollment link bring a wiped device back without an admin; deleting a host revokes its certificates.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
abstract class ScepScenarios {
    /** Keys of com.apple.security.scep's PayloadContent (apple/device-management mdm/profiles/com.apple.security.scep.yaml). */
    static final Set<String> APPLE_SCEP_KEYS = Set.of("URL", "Name", "Subject", "Challenge", "Keysize", "Key Type", "Key Usage",
            "CAFingerprint", "Retries", "RetryDelay", "SubjectAltName", "KeyIsExtractable", "AllowAllAppsAccess");

    private static final String SCEPCLIENT = "scepclient";

    TlsStack tls;
    AdminClient admin;

    abstract TestDatabases.Engine engine();

    @BeforeAll
    void start() throws Exception {
        tls = new TlsStack(engine(), Map.of());
        admin = tls.admin;
        tls.uploadPushCert();
    }

    @AfterAll
    void stop() {
        if (tls != null) {
            tls.close();
        }
    }

    @Test
    void aDeviceEnrollsThroughTheProfilesScepPayloadAndAnswersACommand() throws Exception {
        String link = link();
        EnrollmentProfile profile = EnrollmentProfile.read(download("/mdm/enroll?token=" + token(link)));
        assertThat(profile.isScep()).isTrue();
        NSDictionary scep = profile.identityPayload();
        assertThat(scep.get("PayloadType").toJavaObject()).isEqualTo("com.apple.security.scep");
        assertThat(profile.mdmPayload().get("IdentityCertificateUUID").toJavaObject()).isEqualTo(scep.get("PayloadUUID").toJavaObject());
        NSDictionary content = profile.scepContent();
        assertThat(APPLE_SCEP_KEYS).containsAll(content.keySet());
        assertThat(content.get("URL").toJavaObject()).isEqualTo(tls.base() + "/scep");
        assertThat(content.get("Keysize").toJavaObject()).isEqualTo(2048);
        assertThat(((NSArray) ((NSArray) ((NSArray) content.get("Subject")).objectAtIndex(0)).objectAtIndex(0)).objectAtIndex(1)
                .toJavaObject()).isEqualTo("%HardwareUUID%");

        String udid = UUID.randomUUID().toString().toUpperCase();
        EnrollmentProfile installed = profile.enrollScep(tls.http, udid);
        Issued identity = installed.identity();
        assertThat(identity.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=" + udid);
        assertThat(identity.certificate().getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.2");
        assertThat(identity.certificate().getBasicConstraints()).isEqualTo(-1);
        long days = Duration.between(identity.certificate().getNotBefore().toInstant(), identity.certificate().getNotAfter().toInstant()).toDays();
        assertThat(days).isBetween(364L, 366L);
        PKIXParameters pkix = new PKIXParameters(Set.of(new TrustAnchor(tls.stack.deviceCa().certificate(), null)));
        pkix.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(identity.certificate())), pkix);

        SimulatedDevice mac = device(installed, udid);
        mac.enroll();
        Commands.Built cmd = Commands.deviceInformation("SerialNumber");
        assertThat(admin.enqueue(cmd.plist(), List.of(mac.enrollmentId()), true).status()).isEqualTo(200);
        assertThat(mac.channel().poll()).extracting(HandledCommand::commandUuid).contains(cmd.commandUuid());
        assertThat(admin.command(cmd.commandUuid()).json().get("enrollments").get(0).get("status").asText()).isEqualTo("Acknowledged");

        JsonNode certs = admin.send("GET", "/v1/hosts/" + udid + "/certificates", null).json().get("certificates");
        assertThat(certs).hasSize(1);
        assertThat(certs.get(0).get("serial").asText()).isEqualTo(identity.certificate().getSerialNumber().toString(16));
        assertThat(certs.get(0).get("subject").asText()).isEqualTo("CN=" + udid);
        assertThat(certs.get(0).get("udid").asText()).isEqualTo(udid);
        assertThat(certs.get(0).get("enrollment_link").asText()).isEqualTo(link);
        assertThat(certs.get(0).get("not_after").asText()).isEqualTo(identity.certificate().getNotAfter().toInstant().toString());
        assertThat(certs.get(0).hasNonNull("revoked_at")).isFalse();
        assertThat(admin.send("GET", "/v1/hosts/no-such-host/certificates", null).status()).isEqualTo(404);
    }

    @Test
    void aProfilesChallengeIssuesOneCertificateThenIsRefusedWithBadRequest() throws Exception {
        EnrollmentProfile profile = EnrollmentProfile.read(download("/mdm/enroll"));
        String challenge = profile.scepContent().get("Challenge").toJavaObject().toString();
        ScepClient scep = scep();
        ScepClient.Reply first = scep.enroll(rsa(), new X500Name("CN=first"), challenge);
        assertThat(first.success()).isTrue();

        ScepClient.Reply again = scep.enroll(rsa(), new X500Name("CN=second"), challenge);
        assertThat(again.pkiStatus()).isEqualTo("2");
        assertThat(again.failInfo()).isEqualTo("2"); // badRequest
        assertThat(again.failInfoText()).contains("already used");
        assertThat(again.certificate()).isNull();

        ScepClient.Reply unknown = scep.enroll(rsa(), new X500Name("CN=guess"), "not-a-challenge-anyone-minted");
        assertThat(unknown.failInfo()).isEqualTo("2");
        ScepClient.Reply none = scep.enroll(rsa(), new X500Name("CN=none"), null);
        assertThat(none.failInfo()).isEqualTo("2");
        assertThat(none.failInfoText()).contains("no challengePassword");
    }

    /**
     * A device whose CertRep was lost (network drop, timeout) sends its PKCSReq again: the same transactionID, key
     * and challenge, a new nonce. It gets the certificate already issued, in a CertRep for the new nonce, and
     * nothing new is issued; the spent challenge still refuses another key, another transaction, and a key
     * coming back with a challenge it did not spend.
     */
    @Test
    void aResentPkcsReqIsAnsweredWithTheCertificateAlreadyIssuedAndNothingElse() throws Exception {
        String challenge = EnrollmentProfile.read(download("/mdm/enroll")).scepContent().get("Challenge").toJavaObject().toString();
        ScepClient scep = scep();
        X509Certificate ca = scep.caCertificate();
        KeyPair keys = rsa();
        X500Name subject = new X500Name("CN=resent-" + UUID.randomUUID());
        X509Certificate signer = ScepClient.selfSigned(keys, subject);
        ScepClient.Message first = ScepClient.message(ScepClient.PKCS_REQ, ScepClient.csr(keys, subject, challenge), signer,
                keys.getPrivate(), ca);
        ScepClient.Reply answered = scep.send(first, keys.getPrivate(), ca, true);
        assertThat(answered.success()).as(String.valueOf(answered.failInfoText())).isTrue();

        ScepClient.Message resent = ScepClient.message(ScepClient.PKCS_REQ, ScepClient.csr(keys, subject, challenge), signer,
                keys.getPrivate(), ca);
        assertThat(resent.transactionId()).isEqualTo(first.transactionId());
        ScepClient.Reply again = scep.send(resent, keys.getPrivate(), ca, true);
        assertThat(again.success()).as(String.valueOf(again.failInfoText())).isTrue();
        assertThat(again.certificate().getSerialNumber()).isEqualTo(answered.certificate().getSerialNumber());
        assertThat(again.certificate()).isEqualTo(answered.certificate());
        assertThat(again.transactionId()).isEqualTo(first.transactionId());
        assertThat(again.recipientNonce()).isEqualTo(resent.senderNonce()).isNotEqualTo(first.senderNonce());
        // By GET too, as a device falling back from POST would send it.
        ScepClient.Reply byGet = scep.send(ScepClient.message(ScepClient.PKCS_REQ, ScepClient.csr(keys, subject, challenge), signer,
                keys.getPrivate(), ca), keys.getPrivate(), ca, false);
        assertThat(byGet.certificate()).isEqualTo(answered.certificate());
        assertThat(issuedUnder(first.transactionId())).isEqualTo(1);

        // The same challenge and transactionID with another key: not the request that was answered.
        KeyPair other = rsa();
        ScepClient.Reply otherKey = scep.send(ScepClient.message(ScepClient.PKCS_REQ, ScepClient.csr(other, subject, challenge),
                ScepClient.selfSigned(other, subject), other.getPrivate(), ca, first.transactionId()), other.getPrivate(), ca, true);
        assertThat(otherKey.failInfo()).isEqualTo("2");
        assertThat(otherKey.failInfoText()).contains("already used");
        assertThat(otherKey.certificate()).isNull();
        // The same key and challenge under another transactionID.
        String elsewhere = "another-transaction-" + UUID.randomUUID();
        ScepClient.Reply otherTransaction = scep.send(ScepClient.message(ScepClient.PKCS_REQ, ScepClient.csr(keys, subject, challenge),
                signer, keys.getPrivate(), ca, elsewhere), keys.getPrivate(), ca, true);
        assertThat(otherTransaction.failInfo()).isEqualTo("2");
        assertThat(otherTransaction.certificate()).isNull();
        // The same key and transactionID with another profile's challenge, spent by someone else.
        String foreign = EnrollmentProfile.read(download("/mdm/enroll")).scepContent().get("Challenge").toJavaObject().toString();
        assertThat(scep.enroll(rsa(), new X500Name("CN=spender"), foreign).success()).isTrue();
        ScepClient.Reply otherChallenge = scep.send(ScepClient.message(ScepClient.PKCS_REQ, ScepClient.csr(keys, subject, foreign),
                signer, keys.getPrivate(), ca), keys.getPrivate(), ca, true);
        assertThat(otherChallenge.failInfo()).isEqualTo("2");
        assertThat(otherChallenge.certificate()).isNull();

        assertThat(issuedUnder(first.transactionId())).isEqualTo(1);
        assertThat(issuedUnder(elsewhere)).isZero();
    }

    /** A RenewalReq resent (same transactionID, key and signing certificate) gets the renewed certificate, not a second one. */
    @Test
    void aResentRenewalReqIsAnsweredWithTheCertificateAlreadyIssued() throws Exception {
        String challenge = EnrollmentProfile.read(download("/mdm/enroll")).scepContent().get("Challenge").toJavaObject().toString();
        ScepClient scep = scep();
        X509Certificate ca = scep.caCertificate();
        KeyPair keys = rsa();
        X500Name subject = new X500Name("CN=renewing-" + UUID.randomUUID());
        X509Certificate current = scep.enroll(keys, subject, challenge).certificate();
        KeyPair next = rsa();
        ScepClient.Message first = ScepClient.message(ScepClient.RENEWAL_REQ, ScepClient.csr(next, subject, null), current,
                keys.getPrivate(), ca);
        ScepClient.Reply renewed = scep.send(first, keys.getPrivate(), ca, true);
        assertThat(renewed.success()).as(String.valueOf(renewed.failInfoText())).isTrue();

        ScepClient.Message resent = ScepClient.message(ScepClient.RENEWAL_REQ, ScepClient.csr(next, subject, null), current,
                keys.getPrivate(), ca);
        ScepClient.Reply again = scep.send(resent, keys.getPrivate(), ca, true);
        assertThat(again.success()).as(String.valueOf(again.failInfoText())).isTrue();
        assertThat(again.certificate()).isEqualTo(renewed.certificate());
        assertThat(again.recipientNonce()).isEqualTo(resent.senderNonce());
        assertThat(issuedUnder(first.transactionId())).isEqualTo(1);

        // Signed by another current certificate (the renewed one), the same key is a renewal of that one: a new certificate.
        ScepClient.Reply chained = scep.send(ScepClient.message(ScepClient.RENEWAL_REQ, ScepClient.csr(next, subject, null),
                renewed.certificate(), next.getPrivate(), ca), next.getPrivate(), ca, true);
        assertThat(chained.success()).as(String.valueOf(chained.failInfoText())).isTrue();
        assertThat(chained.certificate().getSerialNumber()).isNotEqualTo(renewed.certificate().getSerialNumber());
        assertThat(issuedUnder(first.transactionId())).isEqualTo(2);
    }

    private int issuedUnder(String transactionId) {
        return tls.server.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM scep_certificates WHERE transaction_id = :tx")
                .bind("tx", transactionId).mapTo(Integer.class).one());
    }

    /** Last: it moves the server's clock two hours ahead of the certificates' real time. */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void anExpiredChallengeIsRefusedAndIssuesNothing() throws Exception {
        String challenge = EnrollmentProfile.read(download("/mdm/enroll")).scepContent().get("Challenge").toJavaObject().toString();
        tls.clock.advance(Duration.ofHours(2));
        ScepClient.Reply late = scep().enroll(rsa(), new X500Name("CN=late"), challenge);
        assertThat(late.pkiStatus()).isEqualTo("2");
        assertThat(late.failInfo()).isEqualTo("2");
        assertThat(late.failInfoText()).contains("expired");
        assertThat(late.certificate()).isNull();
    }

    @Test
    void theProtocolOperationsAnswerAsRfc8894SaysAndMalformedBodiesAre400() throws Exception {
        ScepClient scep = scep();
        assertThat(scep.caps()).contains("POSTPKIOperation", "SHA-256", "AES", "SCEPStandard", "Renewal");
        assertThat(scep.caCertificate()).isEqualTo(tls.stack.deviceCa().certificate());

        // PKIOperation by GET (base64 in ?message=) works like POST.
        String challenge = EnrollmentProfile.read(download("/mdm/enroll")).scepContent().get("Challenge").toJavaObject().toString();
        KeyPair keys = rsa();
        X500Name subject = new X500Name("CN=by-get");
        ScepClient.Message m = ScepClient.message(ScepClient.PKCS_REQ, ScepClient.csr(keys, subject, challenge),
                ScepClient.selfSigned(keys, subject), keys.getPrivate(), scep.caCertificate());
        ScepClient.Reply byGet = scep.send(m, keys.getPrivate(), scep.caCertificate(), false);
        assertThat(byGet.success()).isTrue();
        assertThat(byGet.transactionId()).isEqualTo(m.transactionId());
        assertThat(byGet.recipientNonce()).isEqualTo(m.senderNonce());

        // Signed with one key but carrying another key's certificate: the signature does not verify.
        KeyPair other = rsa();
        ScepClient.Message forged = ScepClient.message(ScepClient.PKCS_REQ, ScepClient.csr(keys, subject, "x"),
                ScepClient.selfSigned(other, subject), keys.getPrivate(), scep.caCertificate());
        ScepClient.Reply bad = scep.send(forged, keys.getPrivate(), scep.caCertificate(), true);
        assertThat(bad.pkiStatus()).isEqualTo("2");
        assertThat(bad.failInfo()).isEqualTo("1"); // badMessageCheck

        // A RenewalReq signed by a certificate this server never issued.
        ScepClient.Reply foreign = scep.renew(rsa(), subject, ScepClient.selfSigned(keys, subject), keys.getPrivate());
        assertThat(foreign.failInfo()).isEqualTo("1");

        for (byte[] body : List.of("not pkcs7".getBytes(StandardCharsets.UTF_8), new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}, new byte[0])) {
            HttpResponse<String> r = post("/scep?operation=PKIOperation", body);
            assertThat(r.statusCode()).as(new String(body, StandardCharsets.ISO_8859_1)).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(r.body()).startsWith("{\"error\":");
        }
        assertThat(get("/scep?operation=PKIOperation&message=%21%21%21").statusCode()).isEqualTo(400);
        assertThat(get("/scep?operation=PKIOperation&message=bm90IHBrY3M3").statusCode()).isEqualTo(400);
        assertThat(get("/scep?operation=Nonsense").statusCode()).isEqualTo(400);
        assertThat(get("/scep").statusCode()).isEqualTo(400);
        assertThat(post("/scep?operation=PKIOperation", new byte[70 * 1024]).statusCode()).isEqualTo(413);
    }

    @Test
    void aWipedDeviceComesBackThroughAnEnrollmentLinkWithNoAdminStep() throws Exception {
        String udid = UUID.randomUUID().toString().toUpperCase();
        String link = link();
        EnrollmentProfile first = install("/mdm/enroll?token=" + token(link), udid);
        SimulatedDevice mac = device(first, udid);
        mac.enroll();

        // A certificate from another link cannot take the device over: holding a link is no claim on devices
        // that enrolled through a different one.
        EnrollmentProfile foreign = install("/mdm/enroll?token=" + token(link()), udid);
        SimulatedDevice taker = new SimulatedDevice(transport(foreign.identity()), foreign.identity(), mac.facts(), foreign.topic(), null)
                .authMode(AuthMode.MDM_SIGNATURE);
        Refusals.notThisDevice(taker.authenticate(), "a certificate from another enrollment link");

        // Wiped: the device lost its key; it installs a new profile from its link and Authenticates again.
        EnrollmentProfile second = install("/mdm/enroll?token=" + token(link), udid);
        SimulatedDevice back = new SimulatedDevice(transport(second.identity()), second.identity(), mac.facts(), second.topic(), null)
                .authMode(AuthMode.MDM_SIGNATURE);
        back.enroll();
        Commands.Built cmd = Commands.of("ProfileList");
        assertThat(admin.enqueue(cmd.plist(), List.of(udid), true).status()).isEqualTo(200);
        assertThat(back.channel().poll()).extracting(HandledCommand::commandUuid).contains(cmd.commandUuid());
        assertThat(admin.certificate(udid).json().get("certificate").get("sha256").asText())
                .isEqualTo(dev.jmdm.server.identity.CertificateFingerprint.sha256Hex(second.identity().certificate()));
        // The old identity no longer speaks for the device.
        Refusals.notThisDevice(mac.channel().idle(), "the wiped identity");

        // An identity from the open /mdm/enroll (no link: anyone can get one) cannot take the device over.
        EnrollmentProfile open = install("/mdm/enroll", udid);
        SimulatedDevice impostor = new SimulatedDevice(transport(open.identity()), open.identity(), mac.facts(), open.topic(), null);
        Refusals.notThisDevice(impostor.authenticate(), "an open-enrollment identity claiming an enrolled UDID");
        // Nor may the second device's certificate, once bound to it, take over another device.
        SimulatedDevice other = device(install("/mdm/enroll?token=" + token(link()), UUID.randomUUID().toString().toUpperCase()),
                UUID.randomUUID().toString().toUpperCase());
        other.enroll();
        SimulatedDevice stolen = new SimulatedDevice(transport(second.identity()), second.identity(), other.facts(), second.topic(), null);
        Refusals.notThisDevice(stolen.authenticate(), "a linked certificate already used by another device");
    }

    @Test
    void aRenewalReqSignedWithTheCurrentIdentityRenewsTheSameEnrollment() throws Exception {
        String udid = UUID.randomUUID().toString().toUpperCase();
        EnrollmentProfile first = install("/mdm/enroll", udid);
        SimulatedDevice mac = device(first, udid);
        mac.enroll();
        KeyPair next = rsa();
        ScepClient.Reply renewed = scep().renew(next, new X500Name("CN=" + udid), first.identity().certificate(), first.identity().privateKey());
        assertThat(renewed.success()).as(String.valueOf(renewed.failInfoText())).isTrue();
        Issued identity = new Issued(renewed.certificate(), next.getPrivate(), first.identity().chain());
        mac.useIdentity(identity);
        mac.useTransport(transport(identity));
        mac.enroll();
        assertThat(mac.channel().idle().status()).isEqualTo(200);
        JsonNode certs = admin.send("GET", "/v1/hosts/" + udid + "/certificates", null).json().get("certificates");
        assertThat(certs).hasSize(2);
        assertThat(certs.findValuesAsText("message_type")).containsExactlyInAnyOrder("PKCSReq", "RenewalReq");
    }

    @Test
    void deletingAHostRevokesItsCertificatesSoTheyCannotEnrollItAgain() throws Exception {
        String udid = UUID.randomUUID().toString().toUpperCase();
        EnrollmentProfile profile = install("/mdm/enroll?token=" + token(link()), udid);
        SimulatedDevice mac = device(profile, udid);
        mac.enroll();
        assertThat(admin.send("DELETE", "/v1/hosts/" + udid, null).status()).isEqualTo(200);

        Refusals.unrecognized(mac.authenticate(), "Authenticate with a revoked certificate");
        Refusals.unrecognized(mac.channel().idle(), "check-in with a revoked certificate");
        assertThat(admin.enrollments("id=" + udid).json().get("enrollments")).isEmpty();
        // A RenewalReq with it is refused too.
        ScepClient.Reply renewal = scep().renew(rsa(), new X500Name("CN=" + udid), profile.identity().certificate(),
                profile.identity().privateKey());
        assertThat(renewal.failInfo()).isEqualTo("1");
        // A new profile enrolls the device again, as a new host; the UDID's history shows the revoked certificate.
        SimulatedDevice again = device(install("/mdm/enroll", udid), udid);
        again.enroll();
        JsonNode certs = admin.send("GET", "/v1/hosts/" + udid + "/certificates", null).json().get("certificates");
        assertThat(certs).hasSize(2);
        assertThat(certs.findValues("revoked_at")).hasSize(1);
    }

    /**
     * MDM_RENEW_BEFORE: the server queues an InstallProfile of a fresh profile bound to the device, once per
     * certificate; the device runs its SCEP payload and Authenticates with the new identity, bound to it
     * without an admin. Here certificates live an hour and are renewed 59 minutes before their end: two minutes on.
     */
    @Test
    void theServerRenewsACertificateBeforeItExpiresWithAnInstallProfile() throws Exception {
        try (TlsStack short_ = new TlsStack(engine(), Map.of("MDM_SCEP_VALIDITY", "1h", "MDM_RENEW_BEFORE", "59m"))) {
            short_.uploadPushCert();
            String udid = UUID.randomUUID().toString().toUpperCase();
            HttpResponse<byte[]> r = short_.http.send(HttpRequest.newBuilder(short_.base().resolve("/mdm/enroll")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            EnrollmentProfile first = EnrollmentProfile.install(r.body(), short_.http, udid);
            java.util.function.Function<Issued, DeviceTransport> transport = id -> new DeviceTransport(
                    short_.client(id, HttpClient.Version.HTTP_2), short_.base().resolve("/mdm"), short_.base().resolve("/mdm/checkin"));
            SimulatedDevice mac = new SimulatedDevice(transport.apply(first.identity()), first.identity(),
                    DeviceFacts.generate(DeviceFacts.Platform.MACOS, udid), first.topic(), null);
            mac.enroll();
            mac.channel().poll(); // the inventory queries of a new enrollment

            assertThat(short_.server.scep().renewDue()).as("not due yet: 60 minutes left").isZero();
            short_.clock.advance(Duration.ofMinutes(2));
            assertThat(short_.server.scep().renewDue()).isEqualTo(1);
            assertThat(short_.server.scep().renewDue()).as("one renewal per certificate").isZero();
            List<HandledCommand> handled = mac.channel().poll();
            assertThat(handled).extracting(HandledCommand::requestType).containsExactly("InstallProfile");
            assertThat(handled.get(0).status()).isEqualTo("Acknowledged");
            byte[] installed = mac.state().profiles().get("dev.jmdm.enroll").raw();
            EnrollmentProfile renewal = EnrollmentProfile.install(installed, short_.http, udid);
            assertThat(renewal.identity().certificate()).isNotEqualTo(first.identity().certificate());

            mac.useIdentity(renewal.identity());
            mac.useTransport(transport.apply(renewal.identity()));
            assertThat(mac.authenticate().status()).isEqualTo(200);
            assertThat(mac.channel().tokenUpdate().status()).isEqualTo(200);
            assertThat(mac.channel().poll()).extracting(HandledCommand::status).containsOnly("Acknowledged");
            assertThat(short_.admin.certificate(udid).json().get("certificate").get("sha256").asText())
                    .isEqualTo(dev.jmdm.server.identity.CertificateFingerprint.sha256Hex(renewal.identity().certificate()));
            JsonNode certs = short_.admin.send("GET", "/v1/hosts/" + udid + "/certificates", null).json().get("certificates");
            assertThat(certs.findValuesAsText("for_device")).containsExactly(udid);
        }
    }

    /** The README walkthrough: {@code mdm-sim enroll --profile} runs the profile file's SCEP payload, later runs poll with that identity. */
    @Test
    void theCommandLineDeviceEnrollsThroughScepAndPollsLater() throws Exception {
        java.nio.file.Path file = tls.dir.resolve("scep-" + UUID.randomUUID() + ".mobileconfig");
        java.nio.file.Files.write(file, download("/mdm/enroll"));
        java.nio.file.Path state = tls.dir.resolve("scep-" + UUID.randomUUID() + ".json");
        String udid = UUID.randomUUID().toString().toUpperCase();
        String[] common = {"--profile", file.toString(), "--cacert", tls.stack.files().caCert().toString(), "--udid", udid,
                "--state", state.toString()};
        assertThat(cli("poll", common)).as("poll before enroll: the SCEP payload is enroll's to run").isNotZero();
        assertThat(state).as("nothing kept by a refused poll").doesNotExist();
        assertThat(cli("enroll", common)).isZero();
        assertThat(state).exists();
        Commands.Built cmd = Commands.of("ProfileList");
        admin.enqueue(cmd.plist(), List.of(udid), true);
        // The profile's challenge is spent: the identity comes from the state file now.
        assertThat(cli("poll", new String[] {"--state", state.toString()}, "--auth", "mtls")).isZero();
        assertThat(admin.command(cmd.commandUuid()).json().get("enrollments").get(0).get("status").asText()).isEqualTo("Acknowledged");
        assertThat(admin.send("GET", "/v1/hosts/" + udid + "/certificates", null).json().get("certificates")).hasSize(1);
    }

    private static int cli(String action, String[] common, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(action));
        args.addAll(List.of(common));
        args.addAll(List.of(more));
        java.io.PrintWriter out = new java.io.PrintWriter(System.out, true);
        return dev.jmdm.sim.cli.SimCli.run(out, out, args.toArray(String[]::new));
    }

    /**
     * An independent SCEP client: micromdm's {@code scepclient} (Debian package {@code scep}), a Go implementation
     * sharing no code with ours. Skipped on a machine without it, as the MySQL tests are without MySQL, unless
     * {@code MDM_TEST_REQUIRE_TOOLS=true}: CI sets that and installs it ({@code apt-get install scep}).
     */
    @Test
    void micromdmsScepclientEnrollsWithAProfilesChallengeOnceOnly() throws Exception {
        boolean installed = java.util.stream.Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, SCEPCLIENT)));
        if (!installed && !Boolean.parseBoolean(System.getenv().getOrDefault("MDM_TEST_REQUIRE_TOOLS", "false"))) {
            org.junit.jupiter.api.Assumptions.abort(SCEPCLIENT + " is not installed (Debian package scep); MDM_TEST_REQUIRE_TOOLS=true makes this a failure");
        }
        HttpResponse<byte[]> r = tls.http.send(HttpRequest.newBuilder(tls.base().resolve("/mdm/enroll")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        String challenge = EnrollmentProfile.read(r.body()).scepContent().get("Challenge").toJavaObject().toString();

        Path first = tls.dir.resolve("interop-1");
        Files.createDirectories(first);
        Result ok = scepclient(first, challenge, "interop-device");
        assertThat(ok.exit()).as(ok.output()).isZero();
        // scepclient writes what the CertRep carried: the issued certificate and the CA.
        X509Certificate issued = Pem.certificates(Files.readString(first.resolve("cert.pem"))).stream()
                .filter(c -> c.getBasicConstraints() < 0).findFirst().orElseThrow();
        assertThat(issued.getSubjectX500Principal().getName()).contains("CN=interop-device");
        issued.verify(tls.stack.deviceCa().certificate().getPublicKey());
        assertThat(issued.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.2");

        Path second = tls.dir.resolve("interop-2");
        Files.createDirectories(second);
        Result refused = scepclient(second, challenge, "second-device");
        assertThat(refused.exit()).as(refused.output()).isNotZero();
        assertThat(refused.output()).containsIgnoringCase("fail");
        assertThat(second.resolve("cert.pem")).doesNotExist();
    }

    record Result(int exit, String output) {
    }

    private Result scepclient(Path dir, String challenge, String cn) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(SCEPCLIENT, "-server-url", tls.base() + "/scep", "-challenge", challenge, "-cn", cn,
                "-private-key", dir.resolve("key.pem").toString(), "-certificate", dir.resolve("cert.pem").toString())
                .redirectErrorStream(true);
        // Go reads extra trust anchors from SSL_CERT_FILE: the dev root that signed the server's TLS certificate.
        pb.environment().put("SSL_CERT_FILE", tls.stack.files().caCert().toString());
        Process p;
        try {
            p = pb.start();
        } catch (java.io.IOException e) {
            throw new AssertionError(SCEPCLIENT + " is not installed: apt-get install scep (micromdm's SCEP client)", e);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(SCEPCLIENT + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private SimulatedDevice device(EnrollmentProfile installed, String udid) {
        return new SimulatedDevice(transport(installed.identity()), installed.identity(),
                DeviceFacts.generate(DeviceFacts.Platform.MACOS, udid), installed.topic(), null).authMode(AuthMode.MDM_SIGNATURE);
    }

    private DeviceTransport transport(Issued identity) {
        return new DeviceTransport(tls.client(identity, HttpClient.Version.HTTP_2), tls.base().resolve("/mdm"),
                tls.base().resolve("/mdm/checkin"));
    }

    private EnrollmentProfile install(String path, String udid) throws Exception {
        return EnrollmentProfile.install(download(path), tls.http, udid);
    }

    private ScepClient scep() {
        return new ScepClient(tls.http, URI.create(tls.base() + "/scep"));
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private final Map<String, String> tokens = new java.util.concurrent.ConcurrentHashMap<>();

    /** A new enrollment link's id; its token through {@link #token}. */
    private String link() {
        AdminClient.Reply created = admin.send("POST", "/v1/enrollment-links", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).isEqualTo(201);
        tokens.put(created.json().get("id").asText(), created.json().get("token").asText());
        return created.json().get("id").asText();
    }

    private String token(String link) {
        return tokens.get(link);
    }

    private byte[] download(String path) throws Exception {
        HttpResponse<byte[]> r = tls.http.send(HttpRequest.newBuilder(tls.base().resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return r.body();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return tls.http.send(HttpRequest.newBuilder(URI.create(tls.base() + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, byte[] body) throws Exception {
        return tls.http.send(HttpRequest.newBuilder(URI.create(tls.base() + path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
