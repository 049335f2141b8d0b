package dev.jmdm.server.device;

/**
 * What to answer a device: an HTTP status and a body (empty for "nothing to do").
 * Handlers never answer 401 themselves: it makes a device unenroll, so it is kept for a
 * certificate that does not match its enrollment ({@link DeviceAuthException}).
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
            throw new IllegalArgumentException("401 is only for certificate mismatches (DeviceAuthException)");
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
