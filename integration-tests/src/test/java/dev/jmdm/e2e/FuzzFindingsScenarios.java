package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.ServerReply;
import dev.jmdm.sim.SimulatedDevice;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inputs the robustness suite found the server mishandling, kept as regular tests once fixed. Each
 * is a properly signed answer to a command the server queued, so it reaches the stores; each was
 * answered but left a stack trace in the log, or lost data it should have kept.
 */
abstract class FuzzFindingsScenarios extends ServerScenarios {

    /** Queues a command for the device and returns its CommandUUID. */
    private String queued(SimulatedDevice device, String requestType) {
        Commands.Built c = Commands.of(requestType);
        AdminClient.Reply r = admin.enqueue(c.plist(), List.of(device.enrollmentId()), true);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return c.commandUuid();
    }

    private JsonNode inventory(SimulatedDevice device) {
        AdminClient.Reply r = admin.send("GET", "/v1/hosts/" + device.udid() + "/inventory", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private JsonNode host(SimulatedDevice device) {
        return admin.send("GET", "/v1/hosts/" + device.udid(), null).json();
    }

    /** Apple's example ProfileList answer with the first profile's PayloadDisplayName an integer (fuzz: type swap). */
    @Test
    void aProfileListAnswerWithAMistypedEntryIsTakenWithoutAStackTrace() {
        SimulatedDevice mac = enrolledMac();
        String uuid = queued(mac, "ProfileList");
        NSDictionary answer = RobustnessScenarios.fixture("apple/profile.list-example2.plist");
        NSDictionary first = (NSDictionary) ((NSArray) answer.get("ProfileList")).objectAtIndex(0);
        first.put("PayloadDisplayName", 20);
        answer.remove("UDID");
        answer.remove("CommandUUID");
        answer.remove("Status");
        try (CapturedLogs logs = new CapturedLogs()) {
            ServerReply r = mac.channel().report("Acknowledged", uuid, answer);
            assertThat(r.status()).isEqualTo(200);
            assertThat(logs.errorsAndStackTraces()).isEmpty();
        }
        assertThat(admin.command(uuid).body()).contains("Acknowledged");
    }

    /**
     * A DeviceInformation answer whose names are longer than the hosts table keeps (fuzz: oversized values): the
     * answer's other facts are stored and the host list keeps its previous values, with no stack trace.
     */
    @Test
    void aDeviceInformationAnswerWithOverLongNamesKeepsItsOtherFacts() {
        SimulatedDevice mac = enrolledMac();
        String osBefore = host(mac).get("os_version").asText();
        String uuid = queued(mac, "DeviceInformation");
        NSDictionary q = new NSDictionary();
        q.put("OSVersion", "1".repeat(64));
        q.put("ProductName", "P".repeat(128));
        q.put("DeviceName", "D".repeat(256));
        q.put("SerialNumber", "S".repeat(128));
        q.put("BuildVersion", "25A354");
        NSDictionary extra = new NSDictionary();
        extra.put("QueryResponses", q);
        try (CapturedLogs logs = new CapturedLogs()) {
            assertThat(mac.channel().report("Acknowledged", uuid, extra).status()).isEqualTo(200);
            assertThat(logs.errorsAndStackTraces()).isEmpty();
        }
        JsonNode device = inventory(mac).get("device");
        assertThat(device).as("the answer's facts are stored").isNotNull();
        assertThat(device.get("command_uuid").asText()).isEqualTo(uuid);
        assertThat(device.get("facts").get("os").get("build").asText()).isEqualTo("25A354");
        assertThat(device.get("facts").get("os").get("version").asText()).isEqualTo("1".repeat(64));
        JsonNode host = host(mac);
        assertThat(host.get("os_version").asText()).isEqualTo(osBefore);
        assertThat(host.get("serial_number").asText()).isEqualTo(mac.facts().serialNumber());
    }

    /** An Error answer to an inventory query with a description far over last_failure's 1024 characters. */
    @Test
    void anInventoryErrorWithAVeryLongDescriptionIsShownClipped() {
        SimulatedDevice mac = enrolledMac();
        // A refetch gives the host the inventory schedule its failures are shown in (MDM_INVENTORY is off here).
        assertThat(admin.send("POST", "/v1/hosts/" + mac.udid() + "/refetch?nopush=1", null).status()).isEqualTo(200);
        String uuid = queued(mac, "SecurityInfo");
        NSDictionary error = new NSDictionary();
        error.put("ErrorCode", 12021);
        error.put("ErrorDomain", "MCMDMErrorDomain");
        error.put("LocalizedDescription", "\ud83d\ude00".repeat(3000));
        NSDictionary extra = new NSDictionary();
        extra.put("ErrorChain", new NSArray(error));
        try (CapturedLogs logs = new CapturedLogs()) {
            assertThat(mac.channel().report("Error", uuid, extra).status()).isEqualTo(200);
            assertThat(logs.errorsAndStackTraces()).isEmpty();
        }
        String reason = inventory(mac).get("last_failure").get("reason").asText();
        assertThat(reason).startsWith("Error to SecurityInfo: MCMDMErrorDomain 12021 ");
        assertThat(reason.length()).isLessThanOrEqualTo(1024);
    }

    private static final String EMOJI = "\ud83d\ude00";

    /**
     * Values under a column's limit in code points but over it in UTF-16 units (fuzz: over-long emoji strings): H2
     * failed the write (500), MariaDB stored them. Both engines now refuse them with the 400 naming the field.
     */
    @Test
    void valuesOverALimitOnlyWhenEmojiCountTwiceAreRefusedOnEveryEngine() {
        SimulatedDevice mac = enrolledMac();
        JsonNode before = admin.enrollments("id=" + mac.enrollmentId()).json().get("enrollments").get(0);
        try (CapturedLogs logs = new CapturedLogs()) {
            ServerReply r = mac.channel().tokenUpdate(java.util.Map.of("PushMagic", EMOJI.repeat(200)));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.text()).contains("PushMagic is longer than 255 characters");
            r = mac.channel().checkin("Authenticate", java.util.Map.of("Topic", TestServer.TOPIC, "DeviceName", EMOJI.repeat(128)));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.text()).contains("DeviceName is longer than 255 characters");
            Commands.Built command = Commands.of(EMOJI.repeat(64));
            AdminClient.Reply enqueued = admin.enqueue(command.plist(), List.of(mac.enrollmentId()), true);
            assertThat(enqueued.status()).isEqualTo(400);
            assertThat(enqueued.json().get("command_error").asText()).isEqualTo("RequestType is longer than 127 characters");
            assertThat(logs.errorsAndStackTraces()).isEmpty();
        }
        JsonNode after = admin.enrollments("id=" + mac.enrollmentId()).json().get("enrollments").get(0);
        assertThat(after.get("token_update_tally")).isEqualTo(before.get("token_update_tally"));
        assertThat(after.get("enabled").asBoolean()).as("the refused Authenticate disabled nothing").isTrue();
        assertThat(admin.command(EMOJI.repeat(64)).status()).isNotEqualTo(500);
    }

    @Test
    void aProfileIdentifierOverTheLimitOnlyWhenEmojiCountTwiceIsRefused() throws Exception {
        NSDictionary profile = RobustnessScenarios.fixture("jmdm/wifi.mobileconfig");
        profile.put("PayloadIdentifier", "com.example." + EMOJI.repeat(125));
        try (CapturedLogs logs = new CapturedLogs()) {
            AdminClient.Reply r = admin.send("POST", "/v1/profiles",
                    profile.toXMLPropertyList().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().get("error").asText()).contains("PayloadIdentifier").contains("at most 255");
            assertThat(logs.errorsAndStackTraces()).isEmpty();
        }
    }
}
