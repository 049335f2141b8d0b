package dev.jmdm.server.device;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What to answer a device: an HTTP status and a body (empty for "nothing to do").
 * Never 401: it makes an Apple device remove its MDM profile. Refusals for who sent a request are
 * {@link DeviceAuthException} (403, with Apple's unenroll code only for a device the server does
 * not know).
 */
public record DeviceResponse(int status, byte[] body, String contentType) {
    private static final byte[] EMPTY = new byte[0];
    private static final ObjectMapper JSON = new ObjectMapper();

    public static DeviceResponse ok() {
        return new DeviceResponse(200, EMPTY, null);
    }

    public static DeviceResponse plist(byte[] body) {
        return new DeviceResponse(200, body, "application/xml");
    }

    /** A refusal with a short reason, for logs and for people reading traffic. */
    public static DeviceResponse refuse(int status, String reason) {
        if (status == 401) {
            throw new IllegalArgumentException("devices are never answered 401 (it unenrolls them); throw DeviceAuthException");
        }
        return new DeviceResponse(status, json(new Refusal(reason)), "application/json");
    }

    /** The body of a refusal: {"error": reason}. */
    private record Refusal(String error) {
    }

    private static byte[] json(Refusal refusal) {
        try {
            return JSON.writeValueAsBytes(refusal);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record of one string always serialises", e);
        }
    }
}
