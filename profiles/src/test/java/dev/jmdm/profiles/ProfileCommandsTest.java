package dev.jmdm.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.XMLPropertyListParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProfileCommandsTest {
    @Test
    void installProfileCarriesTheProfileBytesAsData() throws Exception {
        byte[] profile = TestSigner.signDer(TestProfiles.bytes(TestProfiles.wifi("com.example.wifi",
                "7A8B9C0D-1E2F-4A3B-8C4D-5E6F7A8B9C0D", null, "office")));

        byte[] command = ProfileCommands.installProfile("cmd-1", profile);

        assertThat(new String(command, StandardCharsets.UTF_8)).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        NSDictionary root = (NSDictionary) XMLPropertyListParser.parse(command);
        assertThat(root.get("CommandUUID").toJavaObject()).isEqualTo("cmd-1");
        NSDictionary body = (NSDictionary) root.get("Command");
        assertThat(body.get("RequestType").toJavaObject()).isEqualTo("InstallProfile");
        assertThat(((NSData) body.get("Payload")).bytes()).isEqualTo(profile);
        assertThat(new ProfileParser().parse(((NSData) body.get("Payload")).bytes()).signed()).isTrue();
    }

    @Test
    void removeProfileNamesTheIdentifier() throws Exception {
        NSDictionary root = (NSDictionary) XMLPropertyListParser.parse(ProfileCommands.removeProfile("cmd-2", "com.example.wifi"));

        assertThat(root.get("CommandUUID").toJavaObject()).isEqualTo("cmd-2");
        NSDictionary body = (NSDictionary) root.get("Command");
        assertThat(body.get("RequestType").toJavaObject()).isEqualTo("RemoveProfile");
        assertThat(body.get("Identifier").toJavaObject()).isEqualTo("com.example.wifi");
    }

    @Test
    void profileListAsksForEveryProfile() throws Exception {
        NSDictionary root = (NSDictionary) XMLPropertyListParser.parse(ProfileCommands.profileList("cmd-3"));

        NSDictionary body = (NSDictionary) root.get("Command");
        assertThat(body.keySet()).containsExactly("RequestType");
        assertThat(body.get("RequestType").toJavaObject()).isEqualTo("ProfileList");
    }

    @Test
    void refusesEmptyArguments() {
        assertThatThrownBy(() -> ProfileCommands.profileList(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProfileCommands.installProfile("cmd", new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProfileCommands.removeProfile("cmd", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
