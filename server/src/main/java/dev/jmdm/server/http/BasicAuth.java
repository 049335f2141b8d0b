package dev.jmdm.server.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * HTTP Basic auth as nanomdm's API does it (user {@code nanomdm}, password the API key, so tools
 * written for nanomdm work unchanged), plus named keys whose user name is the key's name.
 * Compared in constant time against every credential, so timing tells nothing about which exists.
 */
final class BasicAuth {
    static final String CHALLENGE = "Basic realm=\"nanomdm\"";

    private final List<String> users = new ArrayList<>();
    private final List<byte[]> expected = new ArrayList<>();

    /** @param keys Basic user name to key */
    BasicAuth(Map<String, String> keys) {
        keys.forEach((user, key) -> {
            users.add(user);
            expected.add((user + ":" + key).getBytes(StandardCharsets.UTF_8));
        });
    }

    /** The Basic user whose key the Authorization header carries, or null. */
    String user(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String matched = null;
        for (int i = 0; i < expected.size(); i++) {
            if (MessageDigest.isEqual(given, expected.get(i))) {
                matched = users.get(i);
            }
        }
        return matched;
    }
}
