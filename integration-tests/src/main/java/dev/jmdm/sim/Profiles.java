package dev.jmdm.sim;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Configuration profiles as an admin uploads them (raw .mobileconfig), for tests and benchmarks. */
public final class Profiles {
    private Profiles() {
    }

    /**
     * A small valid unsigned profile with one payload of the given type; {@code tileSize} goes into the
     * payload so that versions of one identifier differ in content.
     */
    public static byte[] withOnePayload(String identifier, String payloadUuid, String displayName, String payloadType, int tileSize) {
        return ("""
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0"><dict>
                  <key>PayloadType</key><string>Configuration</string>
                  <key>PayloadIdentifier</key><string>%1$s</string>
                  <key>PayloadUUID</key><string>%2$s</string>
                  <key>PayloadDisplayName</key><string>%3$s</string>
                  <key>PayloadVersion</key><integer>1</integer>
                  <key>PayloadContent</key><array><dict>
                    <key>PayloadType</key><string>%4$s</string>
                    <key>PayloadIdentifier</key><string>%1$s.payload</string>
                    <key>PayloadUUID</key><string>%5$s</string>
                    <key>PayloadVersion</key><integer>1</integer>
                    <key>tilesize</key><integer>%6$d</integer>
                  </dict></array>
                </dict></plist>
                """).formatted(identifier, payloadUuid, displayName, payloadType, UUID.randomUUID().toString().toUpperCase(), tileSize)
                .getBytes(StandardCharsets.UTF_8);
    }
}
