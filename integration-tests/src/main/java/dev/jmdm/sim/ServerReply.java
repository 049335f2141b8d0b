package dev.jmdm.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the server answered a device request.
 *
 * @param contentType the answer's Content-Type header, or null when it had none
 */
public record ServerReply(int status, byte[] body, String contentType) {
    /** Apple's ErrorUnrecognizedDevice code (device-management, mdm/errors/unrecognized.device.yaml). */
    public static final String UNRECOGNIZED_DEVICE = "com.apple.unrecognized.device";
    private static final ObjectMapper JSON = new ObjectMapper();

    public ServerReply(int status, byte[] body) {
        this(status, body, null);
    }

    public boolean isEmpty() {
        return body.length == 0;
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * Whether an Apple device removes its MDM profile on this answer: a 401 (every OS), or a 403 whose JSON body's
     * {@code code} is {@code com.apple.unrecognized.device} (ErrorUnrecognizedDevice, iOS 17 / macOS 14 and later;
     * Apple requires the Content-Type to say JSON or XML).
     */
    public boolean unenrollsDevice() {
        if (status == 401) {
            return true;
        }
        if (status != 403 || contentType == null || !contentType.startsWith("application/json")) {
            return false;
        }
        try {
            JsonNode code = JSON.readTree(body).get("code");
            return code != null && UNRECOGNIZED_DEVICE.equals(code.asText());
        } catch (IOException e) {
            return false;
        }
    }
}
