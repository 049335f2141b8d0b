package dev.jmdm.sim;

import java.nio.charset.StandardCharsets;

/** What the server answered a device request. */
public record ServerReply(int status, byte[] body) {
    public boolean isEmpty() {
        return body.length == 0;
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
