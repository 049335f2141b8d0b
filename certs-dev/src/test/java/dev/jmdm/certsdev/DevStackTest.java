package dev.jmdm.certsdev;

import static dev.jmdm.certsdev.StackFixtures.permissions;
import static dev.jmdm.certsdev.StackFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jmdm.certsdev.FileOutcome.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevStackTest {
    private static final String UDID = "00008030-001A35E11A88802E";

    /** One stack shared by the tests that only read it. */
    @TempDir
    static Path shared;

    private static InitResult init;
    private static DeviceResult device;

    @BeforeAll
    static void initSharedStack() throws Exception {
        init = DevStack.init(shared, List.of("mdm.test", "192.0.2.10"), false);
        device = DevStack.issueDevice(shared, UDID);
    }

    @Nested
    class WhatInitWrites {
        @Test
        void reportsEveryFileAsCreated() {
            StackFiles f = init.files();
            assertThat(init.outcomes()).extracting(FileOutcome::path).containsExactly(
                    f.caCert(), f.caKey(), f.serverCert(), f.serverKey(), f.deviceCaCert(), f.deviceCaKey(),
                    f.apnsServerCert(), f.apnsServerKey(), f.pushCaCert(), f.pushCaKey(), f.pushCert(), f.pushKey(),
                    f.pushP12(), f.pushP12Password());
            assertThat(init.outcomes()).extracting(FileOutcome::outcome).containsOnly(Outcome.CREATED);
            assertThat(init.outcomes()).allSatisfy(o -> assertThat(o.path()).isRegularFile());
        }

        @Test
        void serverCertificateChainsToTheRootWithServerAuthAndEveryName() throws Exception {
            StackFiles f = init.files();
            Pkix.validateFiles(f.serverCert(), f.caCert(), Pkix.SERVER_AUTH);

            List<X509Certificate> chain = Pem.certificates(Files.readString(f.serverCert()));
            assertThat(chain).hasSize(2);
            assertThat(chain.get(1)).isEqualTo(Pem.certificates(Files.readString(f.caCert())).get(0));
            X509Certificate server = chain.get(0);
            assertThat(server.getExtendedKeyUsage()).contains(Pkix.SERVER_AUTH);
            assertThat(server.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                    List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"),
                    List.of(2, "mdm.test"), List.of(7, "192.0.2.10"));
            assertThat(server.getNotAfter().toInstant())
                    .isBefore(Instant.now().plus(DevStack.SERVER_VALIDITY).plusSeconds(60));
        }

        @Test
        void deviceCaIsItsOwnRootSoServerCertificatesCannotPassAsDevices() throws Exception {
            StackFiles f = init.files();
            X509Certificate deviceCa = Pem.certificates(Files.readString(f.deviceCaCert())).get(0);

            assertThat(deviceCa.getBasicConstraints()).isGreaterThanOrEqualTo(0);
            assertThat(deviceCa.getSubjectX500Principal()).isEqualTo(deviceCa.getIssuerX500Principal());
            assertThatThrownBy(() -> Pkix.validateFiles(f.serverCert(), f.deviceCaCert(), null))
                    .isInstanceOf(CertPathValidatorException.class);
        }

        @Test
        void deviceCaMayBeEncryptedToBecauseScepClientsEncryptTheirRequestsToIt() throws Exception {
            X509Certificate deviceCa = Pem.certificates(Files.readString(init.files().deviceCaCert())).get(0);
            X509Certificate root = Pem.certificates(Files.readString(init.files().caCert())).get(0);

            boolean[] usage = deviceCa.getKeyUsage();
            assertThat(usage[2]).as("keyEncipherment").isTrue();
            assertThat(usage[5]).as("keyCertSign").isTrue();
            assertThat(root.getKeyUsage()[2]).as("the TLS root encrypts nothing").isFalse();
        }

        @Test
        void apnsServerCertificateChainsToTheRootForLoopbackNames() throws Exception {
            StackFiles f = init.files();
            Pkix.validateFiles(f.apnsServerCert(), f.caCert(), Pkix.SERVER_AUTH);

            X509Certificate apns = Pem.certificates(Files.readString(f.apnsServerCert())).get(0);
            assertThat(apns.getSubjectAlternativeNames()).contains(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
        }

        @Test
        void pushCertificateLooksLikeApplesAndChainsToTheStandInPushCa() throws Exception {
            StackFiles f = init.files();
            Pkix.validateFiles(f.pushCert(), f.pushCaCert(), Pkix.CLIENT_AUTH);
            assertThatThrownBy(() -> Pkix.validateFiles(f.pushCert(), f.caCert(), null))
                    .isInstanceOf(CertPathValidatorException.class);

            X509Certificate push = Pem.certificates(Files.readString(f.pushCert())).get(0);
            X500Name subject = X500Name.getInstance(push.getSubjectX500Principal().getEncoded());
            String uid = IETFUtils.valueToString(subject.getRDNs(BCStyle.UID)[0].getFirst().getValue());
            String cn = IETFUtils.valueToString(subject.getRDNs(BCStyle.CN)[0].getFirst().getValue());
            assertThat(uid).startsWith("com.apple.mgmt.External.").isEqualTo(init.pushTopic());
            assertThat(uid.substring("com.apple.mgmt.External.".length()))
                    .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                    .isEqualTo(cn.substring("APSP:".length()));
            // Pushy's mock APNs finds the topic with this pattern on the peer principal name.
            assertThat(push.getSubjectX500Principal().getName()).matches(".*UID=" + init.pushTopic().replace(".", "\\.") + ".*");
            assertThat(DevStack.pushTopic(push)).isEqualTo(init.pushTopic());
        }

        @Test
        void pushP12OpensWithItsPasswordFileAndHoldsKeyAndChain() throws Exception {
            StackFiles f = init.files();
            String password = Files.readString(f.pushP12Password());
            assertThat(password).matches("[A-Za-z0-9_-]{24}");

            Issued inside = Pkcs12.decode(Files.readAllBytes(f.pushP12()), password.toCharArray());

            assertThat(inside.fullChain()).containsExactlyElementsOf(Pem.certificates(Files.readString(f.pushCert())));
            assertThat(inside.privateKey().getEncoded()).isEqualTo(Pem.privateKey(Files.readString(f.pushKey())).getEncoded());
        }

        @Test
        void secretsAreOwnerOnlyAndCertificatesWorldReadable() {
            StackFiles f = init.files();
            for (Path secret : List.of(f.caKey(), f.serverKey(), f.deviceCaKey(), f.apnsServerKey(), f.pushCaKey(),
                    f.pushKey(), f.pushP12(), f.pushP12Password())) {
                assertThat(permissions(secret)).as(secret.toString()).isEqualTo("rw-------");
            }
            for (Path cert : List.of(f.caCert(), f.serverCert(), f.deviceCaCert(), f.apnsServerCert(), f.pushCaCert(),
                    f.pushCert())) {
                assertThat(permissions(cert)).as(cert.toString()).isEqualTo("rw-r--r--");
            }
        }

        @Test
        void keysAreUnencryptedPkcs8() throws Exception {
            assertThat(Files.readString(init.files().serverKey())).startsWith("-----BEGIN PRIVATE KEY-----");
        }

        @Test
        void leavesNoTemporaryFilesBehind() throws Exception {
            assertThat(snapshot(shared).keySet()).noneMatch(name -> name.endsWith(".tmp") || name.contains("/."));
        }

        @Test
        void environmentNamesTheFilesTheServerReads() {
            StackFiles f = init.files();
            Map<String, String> env = f.environment();

            assertThat(env).containsExactly(
                    Map.entry("MDM_CA", f.deviceCaCert().toAbsolutePath().toString()),
                    Map.entry("MDM_TLS_CERT", f.serverCert().toAbsolutePath().toString()),
                    Map.entry("MDM_TLS_KEY", f.serverKey().toAbsolutePath().toString()),
                    Map.entry("MDM_DEVICE_CA_CERT", f.deviceCaCert().toAbsolutePath().toString()),
                    Map.entry("MDM_DEVICE_CA_KEY", f.deviceCaKey().toAbsolutePath().toString()));
        }

        @Test
        void theStandInApnsSettingsComeTogether() {
            StackFiles f = init.files();

            assertThat(f.environment()).doesNotContainKeys("MDM_APNS_CA", "MDM_APNS_URL");
            assertThat(f.mockApnsEnvironment("https://127.0.0.1:2197")).containsExactly(
                    Map.entry("MDM_APNS_URL", "https://127.0.0.1:2197"),
                    Map.entry("MDM_APNS_CA", f.caCert().toAbsolutePath().toString()));
        }
    }

    @Nested
    class WhatIssueDeviceWrites {
        @Test
        void deviceIdentityChainsToTheDeviceCaWithClientAuth() throws Exception {
            DeviceFiles d = device.files();
            Pkix.validateFiles(d.cert(), init.files().deviceCaCert(), Pkix.CLIENT_AUTH);

            X509Certificate cert = Pem.certificates(Files.readString(d.cert())).get(0);
            assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + UDID);
            assertThat(cert.getExtendedKeyUsage()).containsExactly(Pkix.CLIENT_AUTH);
            assertThat(Pem.privateKey(Files.readString(d.key()))).isInstanceOf(RSAPrivateKey.class);
            assertThat(d.cert()).isEqualTo(shared.resolve("devices").resolve(UDID + ".pem"));
        }

        @Test
        void deviceP12OpensWithItsPasswordFile() throws Exception {
            DeviceFiles d = device.files();
            Issued inside = Pkcs12.decode(Files.readAllBytes(d.p12()), Files.readString(d.p12Password()).toCharArray());

            assertThat(inside.certificate()).isEqualTo(device.identity().certificate());
            assertThat(inside.chain()).hasSize(1);
            assertThat(KeyAlgorithm.matches(inside.privateKey(), inside.certificate().getPublicKey())).isTrue();
        }

        @Test
        void deviceSecretsAreOwnerOnly() {
            DeviceFiles d = device.files();
            assertThat(permissions(d.key())).isEqualTo("rw-------");
            assertThat(permissions(d.p12())).isEqualTo("rw-------");
            assertThat(permissions(d.p12Password())).isEqualTo("rw-------");
            assertThat(permissions(d.cert())).isEqualTo("rw-r--r--");
        }

        @Test
        void ecKeyAndValidityAsAsked() throws Exception {
            DeviceResult ec = DevStack.issueDevice(shared, "ec-device", KeyAlgorithm.EC_P256, Duration.ofDays(7), false);

            assertThat(Pem.privateKey(Files.readString(ec.files().key()))).isInstanceOf(ECPrivateKey.class);
            X509Certificate cert = ec.identity().certificate();
            assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()))
                    .isEqualTo(Duration.ofDays(7));
            Pkix.validateFiles(ec.files().cert(), init.files().deviceCaCert(), Pkix.CLIENT_AUTH);
        }

        @Test
        void refusesUdidsThatWouldEscapeTheDirectory() {
            for (String bad : List.of("../evil", "a/b", ".hidden", "", "with space")) {
                assertThatThrownBy(() -> DevStack.issueDevice(shared, bad))
                        .as(bad).isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(shared.getParent().resolve("evil.pem")).doesNotExist();
        }
    }

    @Nested
    class Idempotency {
        @TempDir
        Path dir;

        @Test
        void secondInitKeepsEveryFileByteForByte() throws Exception {
            DevStack.init(dir, List.of("extra.test"), false);
            DevStack.issueDevice(dir, UDID);
            Map<String, String> before = snapshot(dir);

            InitResult again = DevStack.init(dir, List.of("extra.test"), false);
            DeviceResult deviceAgain = DevStack.issueDevice(dir, UDID, KeyAlgorithm.EC_P256, Duration.ofDays(3), false);

            assertThat(snapshot(dir)).isEqualTo(before);
            assertThat(again.outcomes()).extracting(FileOutcome::outcome).containsOnly(Outcome.KEPT);
            assertThat(deviceAgain.outcomes()).extracting(FileOutcome::outcome).containsOnly(Outcome.KEPT);
            assertThat(again.pushTopic()).isEqualTo(DevStack.load(dir).pushTopic());
        }

        @Test
        void forceReplacesEveryFileAndKeepsPermissions() throws Exception {
            DevStack.init(dir);
            Map<String, String> before = snapshot(dir);

            InitResult forced = DevStack.init(dir, List.of(), true);

            Map<String, String> after = snapshot(dir);
            assertThat(after.keySet()).isEqualTo(before.keySet());
            before.forEach((name, hash) -> assertThat(after.get(name)).as(name).isNotEqualTo(hash));
            assertThat(forced.outcomes()).extracting(FileOutcome::outcome).containsOnly(Outcome.REPLACED);
            assertThat(permissions(forced.files().serverKey())).isEqualTo("rw-------");
            Pkix.validateFiles(forced.files().serverCert(), forced.files().caCert(), Pkix.SERVER_AUTH);
        }

        @Test
        void forceOnADeviceReplacesOnlyThatDevice() throws Exception {
            DevStack.init(dir);
            DevStack.issueDevice(dir, "one");
            DevStack.issueDevice(dir, "two");
            Map<String, String> before = snapshot(dir);

            DevStack.issueDevice(dir, "one", KeyAlgorithm.EC_P256, Duration.ofDays(1), true);

            Map<String, String> after = snapshot(dir);
            before.forEach((name, hash) -> {
                if (name.startsWith("devices/one.")) {
                    assertThat(after.get(name)).as(name).isNotEqualTo(hash);
                } else {
                    assertThat(after.get(name)).as(name).isEqualTo(hash);
                }
            });
        }

        @Test
        void deletedServerPairIsReissuedFromTheKeptCa() throws Exception {
            StackFiles f = DevStack.init(dir).files();
            Files.delete(f.serverCert());
            Files.delete(f.serverKey());
            Map<String, String> before = snapshot(dir);

            InitResult again = DevStack.init(dir, List.of("new.test"), false);

            assertThat(again.outcomes()).filteredOn(o -> o.outcome() == Outcome.CREATED)
                    .extracting(FileOutcome::path).containsExactly(f.serverCert(), f.serverKey());
            Map<String, String> after = snapshot(dir);
            before.forEach((name, hash) -> assertThat(after.get(name)).as(name).isEqualTo(hash));
            Pkix.validateFiles(f.serverCert(), f.caCert(), Pkix.SERVER_AUTH);
        }

        @Test
        void deletedP12IsRewrittenWithTheKeptPassword() throws Exception {
            StackFiles f = DevStack.init(dir).files();
            String password = Files.readString(f.pushP12Password());
            Files.delete(f.pushP12());

            InitResult again = DevStack.init(dir);

            assertThat(again.outcomes()).filteredOn(o -> o.outcome() == Outcome.CREATED)
                    .extracting(FileOutcome::path).containsExactly(f.pushP12());
            assertThat(Files.readString(f.pushP12Password())).isEqualTo(password);
            Pkcs12.decode(Files.readAllBytes(f.pushP12()), password.toCharArray());
        }

        @Test
        void aMissingKeyIsAnErrorAndNothingIsWritten() throws Exception {
            StackFiles f = DevStack.init(dir).files();
            Files.delete(f.serverKey());
            Files.delete(f.apnsServerCert());
            Map<String, String> before = snapshot(dir);

            assertThatThrownBy(() -> DevStack.init(dir))
                    .isInstanceOf(DevStackException.class)
                    .hasMessageContaining("server.pem exists but")
                    .hasMessageContaining("server.key does not");
            assertThat(snapshot(dir)).isEqualTo(before);
        }

        @Test
        void aP12WithoutItsPasswordIsAnError() throws Exception {
            StackFiles f = DevStack.init(dir).files();
            Files.delete(f.pushP12Password());

            assertThatThrownBy(() -> DevStack.init(dir))
                    .isInstanceOf(DevStackException.class)
                    .hasMessageContaining("push.p12.password does not");
        }

        @Test
        void aKeptServerCertificateMissingANewNameIsAnError() throws Exception {
            DevStack.init(dir);

            assertThatThrownBy(() -> DevStack.init(dir, List.of("later.test"), false))
                    .isInstanceOf(DevStackException.class)
                    .hasMessageContaining("does not cover later.test");
            InitResult forced = DevStack.init(dir, List.of("later.test"), true);
            assertThat(Pem.certificates(Files.readString(forced.files().serverCert())).get(0).getSubjectAlternativeNames())
                    .contains(List.of(2, "later.test"));
        }

        @Test
        void aKeptCertificateFromAReplacedCaIsAnError() throws Exception {
            StackFiles f = DevStack.init(dir).files();
            Files.delete(f.caCert());
            Files.delete(f.caKey());

            assertThatThrownBy(() -> DevStack.init(dir))
                    .isInstanceOf(DevStackException.class)
                    .hasMessageContaining("server.pem was not issued by");
            assertThat(f.caCert()).doesNotExist();
        }

        @Test
        void aKeyThatIsNotTheCertificatesIsAnError() throws Exception {
            StackFiles f = DevStack.init(dir).files();
            Files.copy(f.pushKey(), f.serverKey(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

            assertThatThrownBy(() -> DevStack.init(dir))
                    .isInstanceOf(DevStackException.class)
                    .hasMessageContaining("server.key is not the private key of");
        }

        @Test
        void anExpiredKeptDeviceIdentityIsAnError() throws Exception {
            StackFiles f = DevStack.init(dir).files();
            CertificateAuthority deviceCa = DevStack.load(dir).deviceCa();
            Instant now = Instant.now();
            Issued expired = deviceCa.issue(CertificateAuthority.deviceIdentitySpec("old")
                    .validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))).build());
            DeviceFiles d = f.device("old");
            Files.createDirectories(d.cert().getParent());
            Files.writeString(d.cert(), Pem.encode(expired.fullChain()));
            Files.writeString(d.key(), Pem.encode(expired.privateKey()));

            assertThatThrownBy(() -> DevStack.issueDevice(dir, "old"))
                    .isInstanceOf(DevStackException.class)
                    .hasMessageContaining("old.pem expired on");
            assertThat(DevStack.issueDevice(dir, "old", KeyAlgorithm.RSA_2048, Duration.ofDays(1), true).identity()
                    .certificate().getNotAfter().toInstant()).isAfter(now);
        }

        @Test
        void invalidExtraNameIsAnIllegalArgument() {
            assertThatThrownBy(() -> DevStack.init(dir, List.of("no spaces please"), false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no spaces please");
            assertThat(dir).isEmptyDirectory();
        }
    }

    @Nested
    class WithoutInit {
        @TempDir
        Path empty;

        @Test
        void issueDeviceSaysToRunInitFirst() {
            assertThatThrownBy(() -> DevStack.issueDevice(empty, UDID))
                    .isInstanceOf(DevStackException.class)
                    .hasMessageContaining("no device CA in " + empty)
                    .hasMessageContaining("certs-dev init --out " + empty);
            assertThat(empty).isEmptyDirectory();
        }

        @Test
        void loadSaysToRunInitFirst() {
            assertThatThrownBy(() -> DevStack.load(empty))
                    .isInstanceOf(DevStackException.class)
                    .hasMessageContaining("run `certs-dev init");
        }

        @Test
        void initCreatesMissingDirectories() throws Exception {
            Path nested = empty.resolve("a/b/certs");

            DevStack.init(nested);

            assertThat(nested.resolve("ca.pem")).isRegularFile();
        }
    }

    @Nested
    class Load {
        @Test
        void readsTheCasAndIdentitiesBack() throws Exception {
            LoadedStack stack = DevStack.load(shared);

            assertThat(stack.pushTopic()).isEqualTo(init.pushTopic());
            assertThat(stack.rootCa().certificate()).isEqualTo(Pem.certificates(Files.readString(init.files().caCert())).get(0));
            assertThat(stack.server().chain()).containsExactly(stack.rootCa().certificate());
            assertThat(stack.push().chain()).containsExactly(stack.pushCa().certificate());
            assertThat(stack.pushP12Password()).isEqualTo(Files.readString(init.files().pushP12Password()));
            assertThat(stack.apnsServer().certificate().getExtendedKeyUsage()).contains(Pkix.SERVER_AUTH);
        }

        @Test
        void loadedDeviceCaIssuesIdentitiesTheFilesTrust() throws Exception {
            LoadedStack stack = DevStack.load(shared);

            Issued simulated = stack.deviceCa().issueDeviceIdentity("SIM-1", Duration.ofHours(1), KeyAlgorithm.EC_P256);

            X509Certificate anchor = Pem.certificates(Files.readString(init.files().deviceCaCert())).get(0);
            Pkix.validate(simulated.fullChain(), anchor, Pkix.CLIENT_AUTH);
        }
    }
}
