package dev.jmdm.profiles;

import static dev.jmdm.profiles.TestProfiles.entry;
import static dev.jmdm.profiles.TestProfiles.plist;
import static dev.jmdm.profiles.TestProfiles.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileListParserTest {
    @Test
    void readsApplesExampleAnswer() {
        List<InstalledProfile> installed = ProfileListParser.parse(TestProfiles.resource("apple/profile-list-answer.plist"));

        assertThat(installed).containsExactly(
                new InstalledProfile("com.acme.mdm.mdm", "a96f429c-d881-47e7-ad07-eeca163976fb", "Python MDM", false));
    }

    @Test
    void readsEveryProfileInOrderFromXmlOrBinary() {
        String answer = answer(item("com.example.wifi", "7A8B9C0D-1E2F-4A3B-8C4D-5E6F7A8B9C0D", "Wi-Fi", "<true/>")
                + item("com.example.user", "11111111-1111-4111-8111-111111111111", null, null));
        List<InstalledProfile> expected = List.of(
                new InstalledProfile("com.example.wifi", "7A8B9C0D-1E2F-4A3B-8C4D-5E6F7A8B9C0D", "Wi-Fi", true),
                new InstalledProfile("com.example.user", "11111111-1111-4111-8111-111111111111", null, false));

        assertThat(ProfileListParser.parse(TestProfiles.bytes(answer))).isEqualTo(expected);
        assertThat(ProfileListParser.parse(TestProfiles.binary(answer))).isEqualTo(expected);
        assertThat(ProfileListParser.parse(TestProfiles.bytes(answer("")))).isEmpty();
    }

    @Test
    void refusesWhatIsNotAnAcknowledgedProfileList() {
        String noUuid = answer("<dict>" + entry("PayloadIdentifier", string("com.example.wifi")) + "</dict>");
        String error = plist(entry("Status", string("Error")) + entry("ProfileList", "<array/>"));
        String entity = TestProfiles.HEADER.replace("PropertyList-1.0.dtd\">", "PropertyList-1.0.dtd\" [<!ENTITY x \"y\">]>")
                + "<plist version=\"1.0\"><dict>" + entry("ProfileList", "<array/>") + "</dict></plist>";

        assertThatThrownBy(() -> ProfileListParser.parse(TestProfiles.bytes(noUuid))).hasMessage("ProfileList[0] has no PayloadUUID");
        assertThatThrownBy(() -> ProfileListParser.parse(TestProfiles.bytes(error))).hasMessageContaining("Status Error");
        assertThatThrownBy(() -> ProfileListParser.parse(TestProfiles.bytes(plist(entry("Status", string("Acknowledged"))))))
                .hasMessage("the answer has no ProfileList");
        assertThatThrownBy(() -> ProfileListParser.parse(TestProfiles.bytes(entity))).hasMessageContaining("declares an entity");
    }

    private static String answer(String items) {
        return plist(entry("CommandUUID", string("cmd-list")) + entry("ProfileList", "<array>" + items + "</array>")
                + entry("Status", string("Acknowledged")) + entry("UDID", string("00008020-000915083C80012E")));
    }

    private static String item(String identifier, String uuid, String displayName, String managed) {
        return "<dict>" + entry("PayloadIdentifier", string(identifier)) + entry("PayloadUUID", string(uuid))
                + (displayName == null ? "" : entry("PayloadDisplayName", string(displayName)))
                + (managed == null ? "" : entry("IsManaged", managed))
                + entry("PayloadVersion", "<integer>1</integer>") + "</dict>";
    }
}
