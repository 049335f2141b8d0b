package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.MdmSigner;
import dev.jmdm.sim.SimulatedDevice;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Input at and past the server's limits: request bodies around MDM_MAX_BODY, however they are
 * framed, and values longer than the store keeps. Each is answered with a clear JSON refusal
 * and leaves stored data as it was. Each engine runs the same scenarios (see the subclasses).
 */
abstract class InputLimitScenarios extends ServerScenarios {
    /** TestServer's MDM_MAX_BODY. */
    static final int MAX_BODY = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a body goes on the wire: with its length declared, or in chunks of unknown total. */
    enum Framing { CONTENT_LENGTH, CHUNKED }

    private HttpResponse<String> put(URI uri, byte[] body, Framing framing, String... headers) throws Exception {
        HttpRequest.BodyPublisher publisher = framing == Framing.CONTENT_LENGTH
                ? HttpRequest.BodyPublishers.ofByteArray(body)
                : HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).PUT(publisher);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return server.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A signed Idle report padded (inside an XML comment) to exactly {@code size} bytes. */
    private static byte[] idleOfSize(SimulatedDevice mac, int size) {
        String head = "<?xml version=\"1.0\"?><plist><dict><key>Status</key><string>Idle</string><key>UDID</key><string>"
                + mac.udid() + "</string></dict></plist><!--";
        String tail = "-->";
        return (head + "x".repeat(size - head.length() - tail.length()) + tail).getBytes(StandardCharsets.US_ASCII);
    }

    private static String signature(SimulatedDevice mac, byte[] body) {
        return new MdmSigner(mac.identity(), MdmSigner.Encoding.BER).sign(body);
    }

    private static String basicAuth() {
        return "Basic " + Base64.getEncoder().encodeToString(("nanomdm:" + TestServer.API_KEY).getBytes(StandardCharsets.UTF_8));
    }

    private static void assertTooLarge(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).isEqualTo(413);
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.get("error").asText()).contains("MDM_MAX_BODY").contains(String.valueOf(MAX_BODY));
    }

    @Test
    void bodiesUpToTheLimitAreAcceptedHoweverTheyAreFramed() throws Exception {
        SimulatedDevice mac = enrolledMac();
        URI mdm = server.baseUri().resolve("/mdm");
        try (CapturedLogs logs = new CapturedLogs()) {
            for (Framing framing : Framing.values()) {
                for (int size : new int[] {MAX_BODY, MAX_BODY - 1, 40 * 1024}) {
                    byte[] body = idleOfSize(mac, size);
                    HttpResponse<String> r = put(mdm, body, framing, "Mdm-Signature", signature(mac, body));
                    assertThat(r.statusCode()).as("%s body of %d bytes", framing, size).isEqualTo(200);
                }
                // The admin API takes a command of exactly the limit too.
                dev.jmdm.sim.Commands.Built c = dev.jmdm.sim.Commands.of("ProfileList");
                String plist = new String(c.plist(), StandardCharsets.UTF_8) + "<!--";
                byte[] command = (plist + "x".repeat(MAX_BODY - plist.length() - 3) + "-->").getBytes(StandardCharsets.UTF_8);
                assertThat(command).hasSize(MAX_BODY);
                HttpResponse<String> r = put(server.baseUri().resolve("/v1/enqueue/" + mac.enrollmentId() + "?nopush=1"), command, framing,
                        "Authorization", basicAuth());
                assertThat(r.statusCode()).as("%s command of %d bytes", framing, MAX_BODY).isEqualTo(200);
            }
            assertThat(logs.errorsAndStackTraces()).isEmpty();
        }
    }

    @Test
    void bodiesOverTheLimitGetA413WithAJsonErrorAndNoStackTrace() throws Exception {
        SimulatedDevice mac = enrolledMac();
        URI mdm = server.baseUri().resolve("/mdm");
        try (CapturedLogs logs = new CapturedLogs()) {
            for (Framing framing : Framing.values()) {
                for (int size : new int[] {MAX_BODY + 1, 70 * 1024, 2 * 1024 * 1024}) {
                    byte[] body = idleOfSize(mac, size);
                    assertTooLarge(put(mdm, body, framing, "Mdm-Signature", signature(mac, body)));
                }
                // The admin API reads its bodies under the same limit.
                assertTooLarge(put(server.baseUri().resolve("/v1/enqueue/" + mac.enrollmentId()), new byte[MAX_BODY + 1], framing,
                        "Authorization", basicAuth()));
            }
            assertThat(logs.errorsAndStackTraces()).isEmpty();
            assertThat(logs.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        // The device is unharmed and the server still answers.
        assertThat(mac.channel().idle().status()).isEqualTo(200);
    }

    private static String error(dev.jmdm.sim.ServerReply r) throws Exception {
        return JSON.readTree(r.text()).get("error").asText();
    }

    /** The enrollment as the API lists it, less the time it was last seen. */
    private JsonNode listed(String id) {
        com.fasterxml.jackson.databind.node.ObjectNode e = (com.fasterxml.jackson.databind.node.ObjectNode)
                admin.enrollments("id=" + id).json().get("enrollments").get(0);
        e.remove("last_seen_at");
        return e;
    }

    @Test
    void aTokenUpdateWithOverLongOrBlankValuesIsRefusedAndTheEnrollmentStaysIntact() throws Exception {
        SimulatedDevice mac = enrolledMac();
        JsonNode before = listed(mac.enrollmentId());
        com.dd.plist.NSData longToken = new com.dd.plist.NSData(new byte[128]);
        java.util.Map<java.util.Map<String, ?>, String> refusals = new java.util.LinkedHashMap<>();
        refusals.put(java.util.Map.of("PushMagic", "m".repeat(256)), "PushMagic is longer than 255 characters");
        refusals.put(java.util.Map.of("Topic", TestServer.TOPIC + "x".repeat(256)), "Topic is longer than 255 characters");
        refusals.put(java.util.Map.of("Token", longToken), "Token is longer than 127 bytes");
        refusals.put(java.util.Map.of("PushMagic", "   "), "PushMagic is missing or blank");
        refusals.put(java.util.Map.of("PushMagic", ""), "PushMagic is missing or blank");
        refusals.put(java.util.Map.of("Topic", " "), "Topic is missing or blank");
        refusals.put(java.util.Map.of("Token", ""), "TokenUpdate has no Token");
        refusals.put(java.util.Map.of("UserLongName", "n".repeat(256)), "UserLongName is longer than 255 characters");
        refusals.put(java.util.Map.of("UserID", "u".repeat(256 - mac.udid().length())), "UDID:UserID is longer than 255 characters");
        for (var refusal : refusals.entrySet()) {
            dev.jmdm.sim.ServerReply r = mac.channel().tokenUpdate(refusal.getKey());
            assertThat(r.status()).as("%s", refusal.getKey().keySet()).isEqualTo(400);
            assertThat(error(r)).contains(refusal.getValue());
        }
        // A user channel whose joined id is too long was not created, and the device channel is as it was.
        assertThat(admin.enrollments("id=" + mac.udid() + ":" + "u".repeat(256 - mac.udid().length())).json().get("enrollments")).isEmpty();
        assertThat(listed(mac.enrollmentId())).isEqualTo(before);
        assertThat(mac.channel().idle().status()).isEqualTo(200);
        // Values at the limits are stored.
        assertThat(mac.channel().tokenUpdate(java.util.Map.of("PushMagic", "m".repeat(255), "Token", new com.dd.plist.NSData(new byte[127])))
                .status()).isEqualTo(200);
        assertThat(listed(mac.enrollmentId()).get("token_update_tally").asInt()).isEqualTo(before.get("token_update_tally").asInt() + 1);
    }

    @Test
    void overLongIdentifiersInCheckinsAndReportsAreRefusedNamingTheField() throws Exception {
        SimulatedDevice mac = enrolledMac();
        dev.jmdm.sim.ServerReply r = mac.channel().checkin("Authenticate", java.util.Map.of("Topic", TestServer.TOPIC,
                "SerialNumber", "S".repeat(128)));
        assertThat(r.status()).isEqualTo(400);
        assertThat(error(r)).isEqualTo("SerialNumber is longer than 127 characters");
        r = mac.channel().checkin("Authenticate", java.util.Map.of("Topic", TestServer.TOPIC, "OSVersion", "1".repeat(64)));
        assertThat(error(r)).isEqualTo("OSVersion is longer than 63 characters");
        assertThat(listed(mac.enrollmentId()).get("enabled").asBoolean()).as("the refused Authenticate disabled nothing").isTrue();

        r = mac.channel().report("Acknowledged", "c".repeat(128), null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(error(r)).isEqualTo("CommandUUID is longer than 127 characters");

        SimulatedDevice longUdid = new SimulatedDevice(server.transport, server.identity("long"),
                dev.jmdm.sim.DeviceFacts.generate(dev.jmdm.sim.DeviceFacts.Platform.MACOS, "U".repeat(256)), TestServer.TOPIC, null);
        r = longUdid.authenticate();
        assertThat(r.status()).isEqualTo(400);
        assertThat(error(r)).isEqualTo("UDID is longer than 255 characters");
        SimulatedDevice longEnrollmentId = new SimulatedDevice(server.transport, server.identity("byod"),
                dev.jmdm.sim.DeviceFacts.generate(dev.jmdm.sim.DeviceFacts.Platform.IOS, java.util.UUID.randomUUID().toString()),
                TestServer.TOPIC, "E".repeat(256));
        r = longEnrollmentId.authenticate();
        assertThat(r.status()).isEqualTo(400);
        assertThat(error(r)).isEqualTo("EnrollmentID is longer than 255 characters");
    }

    @Test
    void migrationRefusesOverLongAndBlankValuesAndStoresNothing() {
        String udid = java.util.UUID.randomUUID().toString().toUpperCase();
        String tokenUpdate = "<?xml version=\"1.0\"?><plist><dict><key>MessageType</key><string>TokenUpdate</string>"
                + "<key>UDID</key><string>%s</string><key>Topic</key><string>%s</string>"
                + "<key>PushMagic</key><string>%s</string><key>Token</key><data>AAEC</data></dict></plist>";
        for (String[] bad : new String[][] {
            {"U".repeat(256), TestServer.TOPIC, "magic", "UDID is longer than 255 characters"},
            {udid, TestServer.TOPIC, "m".repeat(256), "PushMagic is longer than 255 characters"},
            {udid, TestServer.TOPIC, " ", "PushMagic is missing or blank"},
            {udid, "", "magic", "Topic is missing or blank"},
        }) {
            AdminClient.Reply r = admin.send("POST", "/migration",
                    String.format(tokenUpdate, bad[0], bad[1], bad[2]).getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo(bad[3]);
        }
        assertThat(admin.enrollments("id=" + udid).json().get("enrollments")).isEmpty();
        // A migration moves a device as its old server saw it: Authenticate first, then its TokenUpdate.
        String authenticate = "<?xml version=\"1.0\"?><plist><dict><key>MessageType</key><string>Authenticate</string>"
                + "<key>UDID</key><string>" + udid + "</string><key>Topic</key><string>" + TestServer.TOPIC + "</string></dict></plist>";
        assertThat(admin.send("POST", "/migration", authenticate.getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        AdminClient.Reply ok = admin.send("POST", "/migration",
                String.format(tokenUpdate, udid, TestServer.TOPIC, "magic").getBytes(StandardCharsets.UTF_8));
        assertThat(ok.status()).isEqualTo(200);
    }

    @Test
    void enqueueRefusesAnOverLongRequestTypeAndWritesNothing() {
        SimulatedDevice mac = enrolledMac();
        dev.jmdm.sim.Commands.Built tooLong = dev.jmdm.sim.Commands.of("R".repeat(128));
        AdminClient.Reply r = admin.enqueue(tooLong.plist(), java.util.List.of(mac.enrollmentId()), true);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("command_error").asText()).isEqualTo("RequestType is longer than 127 characters");
        assertThat(admin.command(tooLong.commandUuid()).status()).isEqualTo(404);
        dev.jmdm.sim.Commands.Built atLimit = dev.jmdm.sim.Commands.of("R".repeat(127));
        assertThat(admin.enqueue(atLimit.plist(), java.util.List.of(mac.enrollmentId()), true).status()).isEqualTo(200);
        assertThat(mac.channel().poll()).extracting(dev.jmdm.sim.HandledCommand::status).containsExactly("CommandFormatError");
    }

    @Test
    void anEnrollmentLinkExpiryBeyondWhatCanBeStoredIsA400() {
        for (String far : new String[] {"+999999999-12-31T23:59:59Z", "+292278994-08-17T07:12:55.808Z", "+10000-01-01T00:00:00Z"}) {
            AdminClient.Reply r = admin.send("POST", "/v1/enrollment-links",
                    ("{\"expires_at\": \"" + far + "\"}").getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).as(far).isEqualTo(400);
            assertThat(r.json().get("error").asText()).as(far).contains("expires_at").contains("too far ahead");
        }
        AdminClient.Reply latest = admin.send("POST", "/v1/enrollment-links",
                "{\"expires_at\": \"9999-12-31T23:59:59Z\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(latest.status()).isEqualTo(201);
        assertThat(latest.json().get("expires_at").asText()).isEqualTo("9999-12-31T23:59:59Z");
    }

    /**
     * Expect: 100-continue, as curl sends it for large uploads, written on a socket (the JDK 17 client hangs when
     * the answer is not 100): a body over the limit is refused before it is sent, one within it is invited.
     */
    @Test
    void aClientThatExpectsContinueIsAnsweredBeforeItSendsTheBody() throws Exception {
        SimulatedDevice mac = enrolledMac();
        URI base = server.baseUri();
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(5_000); // the server waiting for a body that is never sent fails here
            socket.getOutputStream().write(("PUT /mdm HTTP/1.1\r\nHost: x\r\nContent-Length: " + (MAX_BODY + 1)
                    + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            java.util.Map<String, String> head = readHead(in);
            assertThat(head.get("")).startsWith("HTTP/1.1 413");
            byte[] error = new byte[Integer.parseInt(head.get("content-length"))];
            in.readFully(error);
            assertThat(JSON.readTree(error).get("error").asText()).contains("MDM_MAX_BODY");
        }
        byte[] idle = idleOfSize(mac, 2000);
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(5_000);
            var out = socket.getOutputStream();
            out.write(("PUT /mdm HTTP/1.1\r\nHost: x\r\nContent-Length: " + idle.length + "\r\nMdm-Signature: "
                    + signature(mac, idle) + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            assertThat(readHead(in).get("")).startsWith("HTTP/1.1 100");
            out.write(idle);
            assertThat(readHead(in).get("")).startsWith("HTTP/1.1 200");
        }
    }

    /** A response's status line (under the empty name) and its headers, names in lower case. */
    private static java.util.Map<String, String> readHead(java.io.DataInputStream in) throws java.io.IOException {
        java.util.Map<String, String> head = new java.util.HashMap<>();
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0; c = in.read()) {
            if (c != '\n') {
                line.append((char) c);
                continue;
            }
            String l = line.toString().strip();
            line.setLength(0);
            if (l.isEmpty()) {
                return head;
            }
            int colon = l.indexOf(':');
            if (head.isEmpty()) {
                head.put("", l);
            } else if (colon > 0) {
                head.put(l.substring(0, colon).toLowerCase(java.util.Locale.ROOT), l.substring(colon + 1).strip());
            }
        }
        return head;
    }
}
