package dev.jmdm.profiles;

import static dev.jmdm.profiles.TestProfiles.bytes;
import static dev.jmdm.profiles.TestProfiles.wifi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProfileVersionerTest {
    private static final String ID = "com.example.wifi";
    private static final String UUID_1 = "7A8B9C0D-1E2F-4A3B-8C4D-5E6F7A8B9C0D";
    private static final String UUID_2 = "9F8E7D6C-5B4A-4392-8170-6F5E4D3C2B1A";
    private static final Function<String, Optional<String>> NO_NAMES = name -> Optional.empty();

    private final ProfileParser parser = new ProfileParser();

    @Test
    void aNewIdentifierIsVersionOne() throws Exception {
        ParsedProfile upload = parse(wifi(ID, UUID_1, "Office Wi-Fi", "office"));

        VersionedProfile v = ProfileVersioner.decide(upload, Optional.empty(), NO_NAMES);

        assertThat(v.outcome()).isEqualTo(VersionedProfile.Outcome.CREATED);
        assertThat(v.version()).isEqualTo(1);
        assertThat(v.identifier()).isEqualTo(ID);
        assertThat(v.uuid()).isEqualTo(UUID_1);
        assertThat(v.bytes()).isEqualTo(upload.raw());
        assertThat(v.checksum()).isEqualTo(upload.checksum());
        assertThat(v.uuidRewritten()).isFalse();
    }

    @Test
    void anEditWithANewUuidIsTheNextVersionAsUploaded() throws Exception {
        StoredProfile stored = stored(3, UUID_1, bytes(wifi(ID, UUID_1, "Office Wi-Fi", "office")));
        ParsedProfile upload = parse(wifi(ID, UUID_2, "Office Wi-Fi", "office-5g"));

        VersionedProfile v = ProfileVersioner.decide(upload, Optional.of(stored), NO_NAMES);

        assertThat(v.outcome()).isEqualTo(VersionedProfile.Outcome.EDITED);
        assertThat(v.version()).isEqualTo(4);
        assertThat(v.uuid()).isEqualTo(UUID_2);
        assertThat(v.bytes()).isEqualTo(upload.raw());
        assertThat(v.checksum()).isEqualTo(upload.checksum());
        assertThat(v.uuidRewritten()).isFalse();
    }

    @Test
    void theSameUploadAgainChangesNothing() throws Exception {
        byte[] raw = bytes(wifi(ID, UUID_1, "Office Wi-Fi", "office"));
        StoredProfile stored = stored(2, UUID_1, raw);

        VersionedProfile v = ProfileVersioner.decide(parser.parse(raw), Optional.of(stored), NO_NAMES);

        assertThat(v.outcome()).isEqualTo(VersionedProfile.Outcome.UNCHANGED);
        assertThat(v.version()).isEqualTo(2);
        assertThat(v.uuid()).isEqualTo(UUID_1);
        assertThat(v.bytes()).isEqualTo(raw);
        assertThat(v.checksum()).isEqualTo(ProfileParserTest.sha256(raw));
    }

    @Test
    void anUnsignedEditThatKeepsTheUuidGetsANewOneWrittenIn() throws Exception {
        StoredProfile stored = stored(1, UUID_1, bytes(wifi(ID, UUID_1, "Office Wi-Fi", "office")));
        ParsedProfile upload = parse(wifi(ID, UUID_1, "Office Wi-Fi", "office-5g"));

        VersionedProfile v = ProfileVersioner.decide(upload, Optional.of(stored), NO_NAMES);

        assertThat(v.outcome()).isEqualTo(VersionedProfile.Outcome.EDITED);
        assertThat(v.version()).isEqualTo(2);
        assertThat(v.uuidRewritten()).isTrue();
        assertThat(v.uuid()).isNotEqualToIgnoringCase(UUID_1).matches("[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}");
        assertThat(v.checksum()).isEqualTo(ProfileParserTest.sha256(v.bytes()));
        assertThat(new String(v.bytes(), 0, 5)).isEqualTo("<?xml");

        ParsedProfile rewritten = parser.parse(v.bytes());
        assertThat(rewritten.uuid()).isEqualTo(v.uuid());
        assertThat(rewritten.identifier()).isEqualTo(ID);
        assertThat(rewritten.payloads()).isEqualTo(upload.payloads());
        assertThat(sameExceptUuid(upload.plist(), v.bytes())).isTrue();
        assertThat(topLevelKeys(v.bytes())).isEqualTo(topLevelKeys(upload.plist()));
    }

    @Test
    void uploadingTheSameKeptUuidFileAgainIsUnchanged() throws Exception {
        StoredProfile v1 = stored(1, UUID_1, bytes(wifi(ID, UUID_1, "Office Wi-Fi", "office")));
        ParsedProfile edited = parse(wifi(ID, UUID_1, "Office Wi-Fi", "office-5g"));
        VersionedProfile v2 = ProfileVersioner.decide(edited, Optional.of(v1), NO_NAMES);
        StoredProfile stored = new StoredProfile(ID, v2.version(), v2.uuid(), v2.bytes(), Set.of(UUID_1));

        VersionedProfile again = ProfileVersioner.decide(edited, Optional.of(stored), NO_NAMES);

        assertThat(again.outcome()).isEqualTo(VersionedProfile.Outcome.UNCHANGED);
        assertThat(again.version()).isEqualTo(2);
        assertThat(again.uuid()).isEqualTo(v2.uuid());
        assertThat(again.bytes()).isEqualTo(v2.bytes());
    }

    @Test
    void aUuidOfAnyEarlierVersionCountsAsReused() throws Exception {
        // v1 had UUID_1, v2 UUID_2; the upload goes back to UUID_1 with new content. A device still on v1
        // would otherwise think it is up to date.
        StoredProfile v2 = new StoredProfile(ID, 2, UUID_2, bytes(wifi(ID, UUID_2, "Office Wi-Fi", "office-5g")), Set.of(UUID_1));
        ParsedProfile upload = parse(wifi(ID, UUID_1, "Office Wi-Fi", "guest"));

        VersionedProfile v3 = ProfileVersioner.decide(upload, Optional.of(v2), NO_NAMES);

        assertThat(v3.uuidRewritten()).isTrue();
        assertThat(v3.uuid()).isNotEqualToIgnoringCase(UUID_1).isNotEqualToIgnoringCase(UUID_2);
        assertThat(v3.version()).isEqualTo(3);
    }

    @Test
    void uuidsCompareWithoutRegardToCase() throws Exception {
        StoredProfile stored = stored(1, UUID_1, bytes(wifi(ID, UUID_1, null, "office")));
        ParsedProfile upload = parse(wifi(ID, UUID_1.toLowerCase(), null, "office-5g"));

        assertThat(ProfileVersioner.decide(upload, Optional.of(stored), NO_NAMES).uuidRewritten()).isTrue();
    }

    @Test
    void aBinaryUploadIsRewrittenAsXml() throws Exception {
        StoredProfile stored = stored(1, UUID_1, bytes(wifi(ID, UUID_1, null, "office")));
        ParsedProfile upload = parser.parse(TestProfiles.binary(wifi(ID, UUID_1, null, "office-5g")));

        VersionedProfile v = ProfileVersioner.decide(upload, Optional.of(stored), NO_NAMES);

        assertThat(v.uuidRewritten()).isTrue();
        assertThat(parser.parse(v.bytes()).uuid()).isEqualTo(v.uuid());
        assertThat(sameExceptUuid(upload.plist(), v.bytes())).isTrue();
    }

    @Test
    void aSignedEditThatKeepsTheUuidIsRefused() throws Exception {
        StoredProfile stored = stored(1, UUID_1, TestSigner.signDer(bytes(wifi(ID, UUID_1, null, "office"))));
        ParsedProfile upload = parser.parse(TestSigner.signDer(bytes(wifi(ID, UUID_1, null, "office-5g"))));

        assertThatThrownBy(() -> ProfileVersioner.decide(upload, Optional.of(stored), NO_NAMES))
                .isInstanceOf(ProfileValidationException.class)
                .hasMessageContaining("the signed profile reuses the PayloadUUID " + UUID_1)
                .hasMessageContaining("give it a new PayloadUUID and sign it again");
    }

    @Test
    void aSignedEditWithANewUuidIsKeptAsSigned() throws Exception {
        StoredProfile stored = stored(1, UUID_1, TestSigner.signDer(bytes(wifi(ID, UUID_1, null, "office"))));
        byte[] signed = TestSigner.signBer(bytes(wifi(ID, UUID_2, null, "office-5g")));

        VersionedProfile v = ProfileVersioner.decide(parser.parse(signed), Optional.of(stored), NO_NAMES);

        assertThat(v.outcome()).isEqualTo(VersionedProfile.Outcome.EDITED);
        assertThat(v.bytes()).isEqualTo(signed);
        assertThat(parser.parse(v.bytes()).signed()).isTrue();
    }

    @Test
    void signingTheSameProfileAgainIsNoEdit() throws Exception {
        byte[] plist = bytes(wifi(ID, UUID_1, null, "office"));
        byte[] firstSignature = TestSigner.signDer(plist);
        byte[] secondSignature = TestSigner.signBer(plist);
        assertThat(secondSignature).isNotEqualTo(firstSignature);

        VersionedProfile v = ProfileVersioner.decide(parser.parse(secondSignature),
                Optional.of(stored(1, UUID_1, firstSignature)), NO_NAMES);

        assertThat(v.outcome()).isEqualTo(VersionedProfile.Outcome.UNCHANGED);
        assertThat(v.bytes()).isEqualTo(firstSignature);
    }

    @Test
    void aDisplayNameTakenByAnotherProfileIsRefused() throws Exception {
        ParsedProfile upload = parse(wifi(ID, UUID_1, "Office Wi-Fi", "office"));
        Function<String, Optional<String>> owners = name -> name.equals("Office Wi-Fi") ? Optional.of("com.example.other") : Optional.empty();

        assertThatThrownBy(() -> ProfileVersioner.decide(upload, Optional.empty(), owners))
                .isInstanceOf(ProfileValidationException.class)
                .hasMessage("the PayloadDisplayName 'Office Wi-Fi' is already used by the profile com.example.other");
    }

    @Test
    void aDisplayNameOfTheSameIdentifierIsItsOwn() throws Exception {
        StoredProfile stored = stored(1, UUID_1, bytes(wifi(ID, UUID_1, "Office Wi-Fi", "office")));
        List<String> asked = new ArrayList<>();
        Function<String, Optional<String>> owners = name -> {
            asked.add(name);
            return Optional.of(ID);
        };

        VersionedProfile v = ProfileVersioner.decide(parse(wifi(ID, UUID_2, "Office Wi-Fi", "office-5g")), Optional.of(stored), owners);
        ProfileVersioner.decide(parse(wifi(ID, UUID_2, null, "office-5g")), Optional.of(stored), owners);

        assertThat(v.outcome()).isEqualTo(VersionedProfile.Outcome.EDITED);
        assertThat(asked).as("a profile without a display name needs no lookup").containsExactly("Office Wi-Fi");
    }

    @ParameterizedTest
    @ValueSource(strings = {"18446744073709551615", "-9223372036854775809"})
    void aRewriteThatWouldChangeAnIntegerIsRefused(String wide) throws Exception {
        String withWideInteger = wifi(ID, UUID_1, null, "office-5g")
                .replace("<integer>1</integer>\n</dict>\n</plist>", "<integer>1</integer>\n  <key>Wide</key>\n  <integer>" + wide + "</integer>\n</dict>\n</plist>");
        assertThat(withWideInteger).contains(wide);
        StoredProfile stored = stored(1, UUID_1, bytes(wifi(ID, UUID_1, null, "office")));

        assertThatThrownBy(() -> ProfileVersioner.decide(parse(withWideInteger), Optional.of(stored), NO_NAMES))
                .isInstanceOf(ProfileValidationException.class)
                .hasMessageContaining("beyond 64 bits");
        // With a fresh PayloadUUID nothing is rewritten, so nothing is lost.
        assertThat(ProfileVersioner.decide(parse(withWideInteger.replace(UUID_1, UUID_2)), Optional.of(stored), NO_NAMES).outcome())
                .isEqualTo(VersionedProfile.Outcome.EDITED);
    }

    @Test
    void theStoredVersionMustBeOfTheSameIdentifier() throws Exception {
        StoredProfile other = new StoredProfile("com.example.other", 1, UUID_1, bytes(wifi("com.example.other", UUID_1, null, "x")));

        assertThatThrownBy(() -> ProfileVersioner.decide(parse(wifi(ID, UUID_2, null, "office")), Optional.of(other), NO_NAMES))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private ParsedProfile parse(String xml) throws ProfileValidationException {
        return parser.parse(bytes(xml));
    }

    private static StoredProfile stored(int version, String uuid, byte[] bytes) {
        return new StoredProfile(ID, version, uuid, bytes);
    }

    private static boolean sameExceptUuid(byte[] a, byte[] b) throws Exception {
        NSDictionary left = (NSDictionary) PropertyListParser.parse(a);
        NSDictionary right = (NSDictionary) PropertyListParser.parse(b);
        left.remove("PayloadUUID");
        right.remove("PayloadUUID");
        return left.equals(right);
    }

    private static List<String> topLevelKeys(byte[] plist) throws Exception {
        return List.copyOf(((NSDictionary) PropertyListParser.parse(plist)).keySet());
    }
}
