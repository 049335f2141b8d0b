package dev.jmdm.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessagesTest {
    private static byte[] resource(String name) throws Exception {
        try (var in = MessagesTest.class.getResourceAsStream("/nanomdm/" + name)) {
            return in.readAllBytes();
        }
    }

    private static byte[] dict(String entries) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist version=\"1.0\"><dict>" + entries + "</dict></plist>")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String kv(String k, String v) {
        return v.isEmpty() ? "" : "<key>" + k + "</key><string>" + v + "</string>";
    }

    @Test
    void realAuthenticateAndTokenUpdateParse() throws Exception {
        var auth = (CheckinMessage.Authenticate) Messages.checkin(resource("Authenticate.1.plist"));
        assertThat(auth.serialNumber()).isEqualTo("F5JM992LF193");
        assertThat(auth.topic()).startsWith("com.apple.mgmt.External.");
        assertThat(auth.enrollment().resolve())
                .isEqualTo(new EnrollmentId("663b07bb783e9ade1dae4fbb92ea12afc0ce5b69", EnrollmentType.DEVICE, "663b07bb783e9ade1dae4fbb92ea12afc0ce5b69"));

        var token = (CheckinMessage.TokenUpdate) Messages.checkin(resource("TokenUpdate.2.plist"));
        assertThat(token.pushMagic()).isEqualTo("888CEB39-BFFA-40F6-89FA-B60752EB63C2");
        // G6fJAGbFD3domiTzpCXK9oowD3KeiORgqUFgItXWQsw= as hex
        assertThat(token.tokenHex()).isEqualTo("1ba7c90066c50f77689a24f3a425caf68a300f729e88e460a9416022d5d642cc");
    }

    @ParameterizedTest(name = "{5}")
    @CsvSource({
        "UDID1,,,,, UDID1, Device, UDID1",
        "UDID1,USER-GUID,alice,,, UDID1:USER-GUID, User, UDID1",
        "UDID1,FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF,bob@example.com,,, UDID1:bob@example.com, Shared iPad, UDID1",
        ",,,ENR1,, ENR1, User Enrollment (Device), ENR1",
        ",,,ENR1,EUSER, ENR1:EUSER, User Enrollment, ENR1",
    })
    void enrollmentIdsFollowTheNanomdmConventions(String udid, String userId, String shortName, String enrollmentId,
            String enrollmentUserId, String expectedId, String expectedType, String expectedDevice) {
        String body = kv("MessageType", "CheckOut") + kv("UDID", udid == null ? "" : udid) + kv("UserID", userId == null ? "" : userId)
                + kv("UserShortName", shortName == null ? "" : shortName) + kv("EnrollmentID", enrollmentId == null ? "" : enrollmentId)
                + kv("EnrollmentUserID", enrollmentUserId == null ? "" : enrollmentUserId);
        EnrollmentId id = Messages.checkin(dict(body)).enrollment().resolve();
        assertThat(id.id()).isEqualTo(expectedId);
        assertThat(id.type().label()).isEqualTo(expectedType);
        assertThat(id.deviceId()).isEqualTo(expectedDevice);
    }

    @Test
    void refusesMessagesThatBreakTheProtocol() {
        assertThatThrownBy(() -> Messages.checkin(dict(kv("MessageType", "Bogus") + kv("UDID", "X"))))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("unknown MessageType 'Bogus'");
        assertThatThrownBy(() -> Messages.checkin(dict(kv("UDID", "X")))).hasMessageContaining("no MessageType");
        assertThatThrownBy(() -> Messages.checkin(dict(kv("MessageType", "CheckOut"))).enrollment().resolve())
                .hasMessageContaining("neither UDID nor EnrollmentID");
        assertThatThrownBy(() -> Messages.checkin(dict(kv("MessageType", "TokenUpdate") + kv("UDID", "X") + kv("Topic", "t")
                + kv("PushMagic", "m")))).hasMessageContaining("no Token");
        assertThatThrownBy(() -> Messages.report(dict(kv("Status", "Acknowledged") + kv("UDID", "X"))))
                .hasMessageContaining("no CommandUUID");
        assertThatThrownBy(() -> Messages.report(dict(kv("Status", "Weird") + kv("UDID", "X")))).hasMessageContaining("unknown Status");
        assertThatThrownBy(() -> Messages.command(dict(kv("CommandUUID", "u")))).hasMessageContaining("no Command dictionary");
        assertThatThrownBy(() -> Messages.command(dict("<key>Command</key><dict/>" + kv("CommandUUID", "u"))))
                .hasMessageContaining("no RequestType");
        assertThatThrownBy(() -> Messages.checkin(dict("<key>MessageType</key><integer>1</integer>")))
                .hasMessageContaining("MessageType must be a string");
    }

    private static String tokenUpdate(String topic, String pushMagic, String tokenBase64) {
        return kv("MessageType", "TokenUpdate") + kv("UDID", "X") + kv("Topic", topic) + kv("PushMagic", pushMagic)
                + (tokenBase64 == null ? "" : "<key>Token</key><data>" + tokenBase64 + "</data>");
    }

    /** UserID and EnrollmentUserID are held to the joined channel id: see the next test. */
    @ParameterizedTest(name = "{0} up to {1}")
    @CsvSource({
        "UDID, 255", "UserShortName, 255", "UserLongName, 255", "EnrollmentID, 255",
        "Topic, 255", "SerialNumber, 127", "ProductName, 127", "OSVersion, 63", "DeviceName, 255",
    })
    void checkinValuesLongerThanTheirColumnAreRefusedNamingTheFieldAndLimit(String key, int limit) {
        java.util.Map<String, String> keys = new java.util.LinkedHashMap<>();
        keys.put("MessageType", "Authenticate");
        keys.put("UDID", "U");
        keys.put("Topic", "t");
        if (key.startsWith("Enrollment")) {
            keys.remove("UDID");
            keys.put("EnrollmentID", "E");
        }
        keys.put(key, "é".repeat(limit)); // characters, not bytes, as the columns count them
        var atLimit = (CheckinMessage.Authenticate) Messages.checkin(dict(entries(keys)));
        assertThat(atLimit.enrollment()).isNotNull();
        keys.put(key, "a".repeat(limit + 1));
        assertThatThrownBy(() -> Messages.checkin(dict(entries(keys)))).isInstanceOf(ProtocolException.class)
                .hasMessage(key + " is longer than " + limit + " characters");
    }

    private static String entries(java.util.Map<String, String> keys) {
        StringBuilder b = new StringBuilder();
        keys.forEach((k, v) -> b.append(kv(k, v)));
        return b.toString();
    }

    @Test
    void aJoinedChannelIdMustFitItsColumnToo() {
        String udid = "U".repeat(200);
        assertThat(Messages.checkin(dict(kv("MessageType", "CheckOut") + kv("UDID", udid) + kv("UserID", "u".repeat(54))))
                .enrollment().resolve().id()).hasSize(255);
        assertThatThrownBy(() -> Messages.checkin(dict(kv("MessageType", "CheckOut") + kv("UDID", udid) + kv("UserID", "u".repeat(55)))))
                .isInstanceOf(ProtocolException.class).hasMessage("the channel id UDID:UserID is longer than 255 characters");
        assertThatThrownBy(() -> Messages.report(dict(kv("Status", "Idle") + kv("EnrollmentID", udid)
                + kv("EnrollmentUserID", "u".repeat(55))))).hasMessageContaining("EnrollmentID:EnrollmentUserID is longer than 255");
        assertThatThrownBy(() -> Messages.report(dict(kv("Status", "Idle") + kv("UDID", udid)
                + kv("UserID", Enrollment.SHARED_IPAD_USER_ID) + kv("UserShortName", "u".repeat(55)))))
                .hasMessageContaining("UDID:UserShortName is longer than 255");
    }

    @Test
    void tokenUpdatesNeedATopicPushMagicAndTokenThatFit() {
        String token = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(((CheckinMessage.TokenUpdate) Messages.checkin(dict(tokenUpdate("t".repeat(255), "m".repeat(255),
                java.util.Base64.getEncoder().encodeToString(new byte[127]))))).tokenHex()).hasSize(254);
        assertThatThrownBy(() -> Messages.checkin(dict(tokenUpdate("t", "m".repeat(256), token))))
                .hasMessage("PushMagic is longer than 255 characters");
        assertThatThrownBy(() -> Messages.checkin(dict(tokenUpdate("t", "m", java.util.Base64.getEncoder().encodeToString(new byte[128])))))
                .hasMessage("Token is longer than 127 bytes");
        assertThatThrownBy(() -> Messages.checkin(dict(tokenUpdate("t", " \t ", token)))).hasMessage("PushMagic is missing or blank");
        assertThatThrownBy(() -> Messages.checkin(dict(tokenUpdate("   ", "m", token)))).hasMessage("Topic is missing or blank");
        assertThatThrownBy(() -> Messages.checkin(dict(tokenUpdate("t", "", token)))).hasMessage("PushMagic is missing or blank");
        assertThatThrownBy(() -> Messages.checkin(dict(tokenUpdate("t", "m", null)))).hasMessage("TokenUpdate has no Token");
        assertThatThrownBy(() -> Messages.checkin(dict(tokenUpdate("t", "m", "")))).hasMessage("TokenUpdate has no Token");
    }

    @Test
    void commandsAndReportsRefuseOverLongUuidsAndRequestTypes() {
        assertThat(Messages.report(dict(kv("Status", "Acknowledged") + kv("UDID", "X") + kv("CommandUUID", "c".repeat(127))))
                .commandUuid()).hasSize(127);
        assertThatThrownBy(() -> Messages.report(dict(kv("Status", "Acknowledged") + kv("UDID", "X") + kv("CommandUUID", "c".repeat(128)))))
                .hasMessage("CommandUUID is longer than 127 characters");
        String command = "<key>Command</key><dict>" + kv("RequestType", "R".repeat(127)) + "</dict>" + kv("CommandUUID", "u");
        assertThat(Messages.command(dict(command)).requestType()).hasSize(127);
        assertThatThrownBy(() -> Messages.command(dict(command.replace("R".repeat(127), "R".repeat(128)))))
                .hasMessage("RequestType is longer than 127 characters");
        assertThatThrownBy(() -> Messages.command(dict("<key>Command</key><dict>" + kv("RequestType", "R") + "</dict>"
                + kv("CommandUUID", "u".repeat(128))))).hasMessage("CommandUUID is longer than 127 characters");
    }
}
