package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
                String auth = "Basic " + Base64.getEncoder().encodeToString(("nanomdm:" + TestServer.API_KEY).getBytes(StandardCharsets.UTF_8));
                assertTooLarge(put(server.baseUri().resolve("/v1/enqueue/" + mac.enrollmentId()), new byte[MAX_BODY + 1], framing,
                        "Authorization", auth));
            }
            assertThat(logs.errorsAndStackTraces()).isEmpty();
            assertThat(logs.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        // The device is unharmed and the server still answers.
        assertThat(mac.channel().idle().status()).isEqualTo(200);
    }
}
