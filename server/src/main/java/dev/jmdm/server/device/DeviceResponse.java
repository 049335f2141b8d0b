package dev.jmdm.server.device;

/**
 * What to answer a device: an HTTP status and a body (empty for "nothing to do").
 * Never 401: it makes an Apple device remove its MDM profile. Refusals for who sent a request are
 * {@link DeviceAuthException} (403, with Apple's unenroll code only for a device the server does
 * not know).
 */
public record DeviceResponse(int status, byte[] body, String contentType) {
    private static final byte[] EMPTY = new byte[0];

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
        return new DeviceResponse(status, ("{\"error\":" + jsonString(reason) + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "application/json");
    }

    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
