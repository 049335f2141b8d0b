package dev.jmdm.profiles;

import static dev.jmdm.profiles.TestProfiles.bytes;
import static dev.jmdm.profiles.TestProfiles.entry;
import static dev.jmdm.profiles.TestProfiles.payload;
import static dev.jmdm.profiles.TestProfiles.plist;
import static dev.jmdm.profiles.TestProfiles.string;
import static dev.jmdm.profiles.TestProfiles.top;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jmdm.certsdev.CertSpec;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.KeyAlgorithm;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProfileParserTest {
    private static final String ID = "com.example.wifi";
    private static final String UUID = "7A8B9C0D-1E2F-4A3B-8C4D-5E6F7A8B9C0D";
    private static final String A = payload("com.apple.wifi.managed", "com.example.a", "11111111-1111-4111-8111-111111111111");
    private static final String B = payload("com.apple.webClip.managed", "com.example.b", "22222222-2222-4222-8222-222222222222");

    private final ProfileParser parser = new ProfileParser();

    @Test
    void readsAnXmlProfile() throws Exception {
        byte[] raw = bytes(TestProfiles.wifi(ID, UUID, "Office Wi-Fi", "office"));

        ParsedProfile profile = parser.parse(raw);

        assertThat(profile.identifier()).isEqualTo(ID);
        assertThat(profile.uuid()).isEqualTo(UUID);
        assertThat(profile.displayName()).isEqualTo("Office Wi-Fi");
        assertThat(profile.payloads()).containsExactly(
                new ParsedProfile.Payload("com.apple.wifi.managed", ID + ".wifi", "0C1D2E3F-4A5B-4C6D-8E7F-1A2B3C4D5E6F", "Wi-Fi office"),
                new ParsedProfile.Payload("com.apple.mobiledevice.passwordpolicy", ID + ".passcode",
                        "5A1C3E0B-7F52-4D1A-9C44-2B6A1D3F0E11", null));
        assertThat(profile.signed()).isFalse();
        assertThat(profile.signerSubject()).isNull();
        assertThat(profile.raw()).isEqualTo(raw);
        assertThat(profile.plist()).isEqualTo(raw);
        assertThat(profile.checksum()).isEqualTo(sha256(raw)).hasSize(64);
    }

    @Test
    void readsABinaryProfile() throws Exception {
        byte[] raw = TestProfiles.binary(TestProfiles.wifi(ID, UUID, null, "office"));
        assertThat(new String(raw, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("bplist00");

        ParsedProfile profile = parser.parse(raw);

        assertThat(profile.identifier()).isEqualTo(ID);
        assertThat(profile.displayName()).isNull();
        assertThat(profile.payloads()).extracting(ParsedProfile.Payload::identifier).containsExactly(ID + ".wifi", ID + ".passcode");
        assertThat(profile.checksum()).isEqualTo(sha256(raw));
    }

    @Test
    void acceptsAProfileWithoutPayloads() throws Exception {
        assertThat(parser.parse(bytes(plist(top(ID, UUID, null, "")))).payloads()).isEmpty();
    }

    @Test
    void refusesTheNanomdmEnrollmentProfileForItsReservedPayloads() {
        byte[] enrollment = TestProfiles.resource("nanomdm/enroll.mobileconfig");

        assertThatThrownBy(() -> parser.parse(enrollment))
                .isInstanceOf(ProfileValidationException.class)
                .hasMessageContaining("com.apple.mdm (PayloadContent[1])")
                .hasMessageContaining("com.apple.security.scep (PayloadContent[0])");
    }

    @Test
    void theReservedSetIsTheCallersChoice() throws Exception {
        byte[] enrollment = TestProfiles.resource("nanomdm/enroll.mobileconfig");

        ParsedProfile profile = new ProfileParser(Set.of()).parse(enrollment);

        assertThat(profile.identifier()).isEqualTo("com.github.micromdm.nanomdm");
        assertThat(profile.displayName()).isEqualTo("Enrollment Profile");
        assertThat(profile.payloads()).extracting(ParsedProfile.Payload::type)
                .containsExactly("com.apple.security.scep", "com.apple.mdm");
        assertThatThrownBy(() -> new ProfileParser(Set.of("com.apple.wifi.managed")).parse(bytes(plist(top(ID, UUID, null, A)))))
                .hasMessageContaining("com.apple.wifi.managed (PayloadContent[0])");
    }

    static Stream<Arguments> invalidProfiles() {
        String good = top(ID, UUID, "Name", A + B);
        return Stream.of(
                Arguments.of("root is an array", document("<array/>"), "the profile's root is not a dictionary"),
                Arguments.of("no PayloadType", plist(good.replace(entry("PayloadType", string("Configuration")), "")),
                        "the profile has no PayloadType"),
                Arguments.of("wrong PayloadType", plist(good.replace(string("Configuration"), string("com.apple.wifi.managed"))),
                        "the profile's PayloadType is 'com.apple.wifi.managed', expected 'Configuration'"),
                Arguments.of("no PayloadIdentifier", plist(good.replace(entry("PayloadIdentifier", string(ID)), "")),
                        "the profile has no PayloadIdentifier"),
                Arguments.of("empty PayloadIdentifier", plist(good.replace(string(ID), string(" "))),
                        "the profile has an empty PayloadIdentifier"),
                Arguments.of("PayloadIdentifier not a string", plist(good.replace(string(ID), "<integer>7</integer>")),
                        "the profile's PayloadIdentifier is not a string"),
                Arguments.of("no PayloadUUID", plist(good.replace(entry("PayloadUUID", string(UUID)), "")),
                        "the profile has no PayloadUUID"),
                Arguments.of("PayloadDisplayName not a string", plist(good.replace(string("Name"), "<true/>")),
                        "the profile's PayloadDisplayName is not a string"),
                Arguments.of("no PayloadContent", plist(entry("PayloadIdentifier", string(ID))
                        + entry("PayloadType", string("Configuration")) + entry("PayloadUUID", string(UUID))),
                        "the profile has no PayloadContent"),
                Arguments.of("encrypted", plist(entry("EncryptedPayloadContent", "<data>AAEC</data>")
                        + entry("PayloadIdentifier", string(ID)) + entry("PayloadType", string("Configuration"))
                        + entry("PayloadUUID", string(UUID))),
                        "the profile is encrypted (EncryptedPayloadContent)"),
                Arguments.of("PayloadContent is a dictionary", plist(good.replace("<array>" + A + B + "</array>", A)),
                        "the profile's PayloadContent is not an array"),
                Arguments.of("a payload is a string", plist(top(ID, UUID, null, A + string("x"))),
                        "PayloadContent[1] is not a dictionary"),
                Arguments.of("a payload without PayloadType", plist(top(ID, UUID, null,
                        "<dict>" + entry("PayloadIdentifier", string("p")) + entry("PayloadUUID", string("u")) + "</dict>")),
                        "PayloadContent[0] has no PayloadType"),
                Arguments.of("a payload without PayloadIdentifier", plist(top(ID, UUID, null,
                        "<dict>" + entry("PayloadType", string("t")) + entry("PayloadUUID", string("u")) + "</dict>")),
                        "PayloadContent[0] has no PayloadIdentifier"),
                Arguments.of("a payload without PayloadUUID", plist(top(ID, UUID, null, A + B
                        + "<dict>" + entry("PayloadType", string("t")) + entry("PayloadIdentifier", string("p")) + "</dict>")),
                        "PayloadContent[2] has no PayloadUUID"),
                Arguments.of("a payload with an empty PayloadType", plist(top(ID, UUID, null,
                        A + payload("", "com.example.c", "33333333-3333-4333-8333-333333333333"))),
                        "PayloadContent[1] has an empty PayloadType"),
                Arguments.of("a payload whose PayloadUUID is data", plist(top(ID, UUID, null,
                        A.replace(string("11111111-1111-4111-8111-111111111111"), "<data>AAEC</data>"))),
                        "PayloadContent[0]'s PayloadUUID is not a string"),
                Arguments.of("repeated payload identifiers", plist(top(ID, UUID, null, A + B
                        + payload("com.apple.dock", "com.example.a", "44444444-4444-4444-8444-444444444444"))),
                        "PayloadContent[2] repeats the PayloadIdentifier 'com.example.a' of PayloadContent[0]"),
                Arguments.of("a reserved payload type", plist(top(ID, UUID, null,
                        A + payload("com.apple.security.acme", "com.example.acme", "55555555-5555-4555-8555-555555555555"))),
                        "the profile carries payload types the server reserves for itself: com.apple.security.acme (PayloadContent[1])"),
                Arguments.of("PayloadIdentifier over 255 characters", plist(top("a".repeat(256), UUID, null, A)),
                        "the profile's PayloadIdentifier is 256 characters long; at most 255 are allowed"),
                Arguments.of("PayloadUUID over 127 characters", plist(top(ID, "u".repeat(128), null, A)),
                        "the profile's PayloadUUID is 128 characters long; at most 127 are allowed"),
                Arguments.of("PayloadDisplayName over 255 characters", plist(top(ID, UUID, "\uD83D\uDCF6".repeat(128), A)),
                        "the profile's PayloadDisplayName is 256 characters long; at most 255 are allowed"),
                Arguments.of("PayloadIdentifier with a slash", plist(top("com.example/wifi", UUID, null, A)),
                        "the profile's PayloadIdentifier 'com.example/wifi' contains '/'"),
                Arguments.of("PayloadIdentifier with a question mark", plist(top("com.example?wifi", UUID, null, A)),
                        "contains '?'"),
                Arguments.of("PayloadIdentifier with a hash", plist(top("com.example#wifi", UUID, null, A)),
                        "contains '#'"),
                Arguments.of("PayloadIdentifier with a trailing space", plist(top(ID + " ", UUID, null, A)),
                        "the profile's PayloadIdentifier '" + ID + " ' begins or ends with white space"),
                Arguments.of("PayloadIdentifier with a leading tab", plist(top("\t" + ID, UUID, null, A)),
                        "PayloadIdentifier '\t" + ID + "' begins or ends with white space"),
                Arguments.of("PayloadUUID with a trailing space", plist(top(ID, UUID + " ", null, A)),
                        "the profile's PayloadUUID '" + UUID + " ' begins or ends with white space"),
                Arguments.of("malformed XML", plist(good).replace("</dict>\n</plist>", "</plist>"),
                        "the profile is not a valid property list"),
                Arguments.of("not a plist at all", "hello", "the profile is not a valid property list"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidProfiles")
    void refusesWithAMessageNamingTheProblem(String caseName, String xml, String message) {
        assertThatThrownBy(() -> parser.parse(bytes(xml)))
                .isInstanceOf(ProfileValidationException.class)
                .hasMessageContaining(message);
    }

    @Test
    void acceptsTopLevelStringsAtTheirLongest() throws Exception {
        // UTF-16 units, as H2 counts a VARCHAR(255): 127 emoji and one letter are 255 units.
        String name = "\uD83D\uDCF6".repeat(127) + "a";
        ParsedProfile p = parser.parse(bytes(plist(top("a".repeat(255), "u".repeat(127), name, A))));
        assertThat(p.identifier()).hasSize(255);
        assertThat(p.uuid()).hasSize(127);
        assertThat(p.displayName()).isEqualTo(name);
    }

    @Test
    void refusesEmojiThatFitInCodePointsButNotInUtf16Units() {
        // 255 emoji fit MariaDB's VARCHAR(255) but not H2's (found by the robustness suite: H2 failed the write).
        String name = "\uD83D\uDCF6".repeat(255);
        assertThatThrownBy(() -> parser.parse(bytes(plist(top(ID, UUID, name, A)))))
                .isInstanceOf(ProfileValidationException.class)
                .hasMessageContaining("PayloadDisplayName is 510 characters long; at most 255");
    }

    @Test
    void refusesAnEmptyUpload() {
        assertThatThrownBy(() -> parser.parse(new byte[0])).hasMessage("the profile is empty");
        assertThatThrownBy(() -> parser.parse(null)).hasMessage("the profile is empty");
    }

    static Stream<Arguments> declarations() {
        String body = "<plist version=\"1.0\"><dict>" + top(ID, UUID, "&name;", A) + "</dict></plist>";
        return Stream.of(
                Arguments.of("internal entity",
                        "<?xml version=\"1.0\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
                                + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\" [<!ENTITY name \"Wi-Fi\">]>\n" + body,
                        "declares an entity (name)"),
                Arguments.of("external entity (XXE)",
                        "<?xml version=\"1.0\"?>\n<!DOCTYPE plist [<!ENTITY name SYSTEM \"file:///etc/passwd\">]>\n" + body,
                        "the DOCTYPE (plist, public id null"),
                Arguments.of("external entity under Apple's DOCTYPE",
                        "<?xml version=\"1.0\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"x\" "
                                + "[<!ENTITY name SYSTEM \"file:///etc/passwd\">]>\n" + body,
                        "declares an external entity (name -> file:///etc/passwd)"),
                Arguments.of("parameter entity",
                        "<?xml version=\"1.0\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"x\" "
                                + "[<!ENTITY % p \"<!ENTITY name 'x'>\"> %p;]>\n" + body,
                        "declares an entity (%p)"),
                Arguments.of("billion laughs",
                        "<?xml version=\"1.0\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"x\" ["
                                + "<!ENTITY a \"lol\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                                + "<!ENTITY name \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>\n" + body,
                        "declares an entity (a)"),
                Arguments.of("element declaration",
                        "<?xml version=\"1.0\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"x\" "
                                + "[<!ELEMENT plist ANY>]>\n" + body.replace("&name;", "n"),
                        "declares DTD markup (element plist)"),
                Arguments.of("another DOCTYPE",
                        "<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
                                + "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n" + body.replace("&name;", "n"),
                        "is not Apple's plist DOCTYPE"),
                Arguments.of("plist DOCTYPE pointing at a local file",
                        "<?xml version=\"1.0\"?>\n<!DOCTYPE plist SYSTEM \"file:///etc/passwd\">\n" + body.replace("&name;", "n"),
                        "is not Apple's plist DOCTYPE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("declarations")
    @Timeout(10)
    void refusesEveryDeclarationBeforeParsing(String caseName, String xml, String message) {
        assertThatThrownBy(() -> parser.parse(bytes(xml)))
                .isInstanceOf(ProfileValidationException.class)
                .hasMessageContaining(message);
    }

    @Test
    void acceptsTheOlderApplePublicIdAndNoDoctypeAtAll() throws Exception {
        String body = "<plist version=\"1.0\"><dict>" + top(ID, UUID, null, A) + "</dict></plist>";
        String older = "<?xml version=\"1.0\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple Computer//DTD PLIST 1.0//EN\" "
                + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n" + body;

        assertThat(parser.parse(bytes(older)).identifier()).isEqualTo(ID);
        assertThat(parser.parse(bytes("<?xml version=\"1.0\"?>\n" + body)).identifier()).isEqualTo(ID);
    }

    @Test
    @Timeout(10)
    void neverFetchesADtdOrEntity() throws Exception {
        try (ServerSocket trap = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + trap.getLocalPort() + "/evil.dtd";
            String body = "<plist version=\"1.0\"><dict>" + top(ID, UUID, null, A) + "</dict></plist>";
            String appleDoctypeElsewhere = "<?xml version=\"1.0\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \""
                    + url + "\">\n" + body;
            String foreignDoctype = "<?xml version=\"1.0\"?>\n<!DOCTYPE plist SYSTEM \"" + url + "\">\n" + body;
            String externalEntity = "<?xml version=\"1.0\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"x\" "
                    + "[<!ENTITY e SYSTEM \"" + url + "\">]>\n" + body.replace(ID, "&e;");

            assertThat(parser.parse(bytes(appleDoctypeElsewhere)).identifier()).isEqualTo(ID);
            assertThatThrownBy(() -> parser.parse(bytes(foreignDoctype))).isInstanceOf(ProfileValidationException.class);
            assertThatThrownBy(() -> parser.parse(bytes(externalEntity))).isInstanceOf(ProfileValidationException.class);

            trap.setSoTimeout(200);
            assertThatThrownBy(trap::accept).as("no connection reached the trap").isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void readsAndVerifiesADerSignedProfile() throws Exception {
        byte[] plist = bytes(TestProfiles.wifi(ID, UUID, "Office Wi-Fi", "office"));
        byte[] signed = TestSigner.signDer(plist);

        ParsedProfile profile = parser.parse(signed);

        assertThat(profile.signed()).isTrue();
        assertThat(profile.signerSubject()).isEqualTo("O=jmdm tests,CN=Profile Signer");
        assertThat(profile.identifier()).isEqualTo(ID);
        assertThat(profile.raw()).isEqualTo(signed);
        assertThat(profile.plist()).isEqualTo(plist);
        assertThat(profile.checksum()).isEqualTo(sha256(signed));
    }

    @Test
    void readsABerSignedBinaryProfile() throws Exception {
        byte[] plist = TestProfiles.binary(TestProfiles.wifi(ID, UUID, "Office Wi-Fi", "office"));
        byte[] signed = TestSigner.signBer(plist);
        assertThat(signed[1]).as("indefinite length").isEqualTo((byte) 0x80);

        ParsedProfile profile = parser.parse(signed);

        assertThat(profile.signed()).isTrue();
        assertThat(profile.plist()).isEqualTo(plist);
        assertThat(profile.displayName()).isEqualTo("Office Wi-Fi");
    }

    @Test
    void refusesAProfileAlteredAfterSigning() {
        byte[] signed = TestSigner.signDer(bytes(TestProfiles.wifi(ID, UUID, "Office Wi-Fi", "office")));
        byte[] tampered = replace(signed, "office", "evil!!");

        assertThatThrownBy(() -> parser.parse(tampered))
                .isInstanceOf(ProfileValidationException.class)
                .hasMessageContaining("the content was altered after signing");
    }

    @Test
    void refusesASignatureMadeWithAnotherKeyThanTheSignerCertificates() {
        Issued other = TestSigner.CA.issue(CertSpec.builder("Impostor").keyAlgorithm(KeyAlgorithm.EC_P256).build());
        byte[] forged = TestSigner.sign(bytes(TestProfiles.wifi(ID, UUID, null, "office")),
                other.privateKey(), TestSigner.SIGNER.certificate(), true, true);

        assertThatThrownBy(() -> parser.parse(forged))
                .isInstanceOf(ProfileValidationException.class)
                .hasMessageContaining("does not verify with the key of its signer certificate (O=jmdm tests,CN=Profile Signer)");
    }

    @Test
    void refusesCmsWithoutItsSignerCertificateOrWithoutContent() {
        byte[] plist = bytes(TestProfiles.wifi(ID, UUID, null, "office"));
        byte[] noCertificate = TestSigner.sign(plist, TestSigner.SIGNER.privateKey(), TestSigner.SIGNER.certificate(), true, false);
        byte[] detached = TestSigner.sign(plist, TestSigner.SIGNER.privateKey(), TestSigner.SIGNER.certificate(), false, true);

        assertThatThrownBy(() -> parser.parse(noCertificate)).hasMessageContaining("does not include its signer's certificate");
        assertThatThrownBy(() -> parser.parse(detached)).hasMessageContaining("the CMS signature is detached");
    }

    @Test
    void refusesASignerCertificateExpiredAtSigningTime() {
        Issued expired = TestSigner.expiredSigner();
        byte[] signed = TestSigner.sign(bytes(TestProfiles.wifi(ID, UUID, null, "office")),
                expired.privateKey(), expired.certificate(), true, true);

        assertThatThrownBy(() -> parser.parse(signed)).hasMessageContaining("was not valid at the signing time");
    }

    @Test
    void validatesWhatASignatureWraps() {
        byte[] signedEnrollment = TestSigner.signDer(TestProfiles.resource("nanomdm/enroll.mobileconfig"));
        byte[] signedText = TestSigner.signDer(bytes("just text"));
        byte[] notCms = {0x30, 0x03, 0x02, 0x01, 0x01};

        assertThatThrownBy(() -> parser.parse(signedEnrollment)).hasMessageContaining("com.apple.mdm (PayloadContent[1])");
        assertThatThrownBy(() -> parser.parse(signedText)).hasMessageContaining("the signed content is not a valid property list");
        assertThatThrownBy(() -> parser.parse(notCms)).hasMessageContaining("not a valid CMS SignedData structure");
    }

    private static String document(String root) {
        return TestProfiles.HEADER + "<plist version=\"1.0\">" + root + "</plist>";
    }

    private static byte[] replace(byte[] haystack, String needle, String replacement) {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        byte[] r = replacement.getBytes(StandardCharsets.US_ASCII);
        byte[] out = haystack.clone();
        outer:
        for (int i = 0; i <= out.length - n.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (out[i + j] != n[j]) {
                    continue outer;
                }
            }
            System.arraycopy(r, 0, out, i, r.length);
            return out;
        }
        throw new IllegalArgumentException(needle + " not found");
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
