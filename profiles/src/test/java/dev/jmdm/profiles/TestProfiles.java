package dev.jmdm.profiles;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSObject;
import com.dd.plist.XMLPropertyListParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Profiles as XML text, the way administrators write them, and their binary twins. */
final class TestProfiles {
    static final String HEADER = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            """;

    private TestProfiles() {
    }

    /** A plist document around a top-level dictionary body. */
    static String plist(String dictBody) {
        return HEADER + "<plist version=\"1.0\">\n<dict>\n" + dictBody + "</dict>\n</plist>\n";
    }

    static String entry(String key, String valueXml) {
        return "  <key>" + key + "</key>\n  " + valueXml + "\n";
    }

    static String string(String value) {
        return "<string>" + value + "</string>";
    }

    static String payload(String type, String identifier, String uuid) {
        return "<dict>" + entry("PayloadType", string(type)) + entry("PayloadIdentifier", string(identifier))
                + entry("PayloadUUID", string(uuid)) + entry("PayloadVersion", "<integer>1</integer>") + "</dict>";
    }

    /** The top-level keys of a Configuration profile; payloadsXml goes inside its PayloadContent array. */
    static String top(String identifier, String uuid, String displayName, String payloadsXml) {
        return entry("PayloadContent", "<array>" + payloadsXml + "</array>")
                + (displayName == null ? "" : entry("PayloadDisplayName", string(displayName)))
                + entry("PayloadIdentifier", string(identifier))
                + entry("PayloadType", string("Configuration"))
                + entry("PayloadUUID", string(uuid))
                + entry("PayloadVersion", "<integer>1</integer>");
    }

    /** A Wi-Fi payload and a passcode payload; tests change the SSID to make an edit. */
    static String wifi(String identifier, String uuid, String displayName, String ssid) {
        String wifiPayload = "<dict>" + entry("AutoJoin", "<true/>") + entry("SSID_STR", string(ssid))
                + entry("PayloadType", string("com.apple.wifi.managed"))
                + entry("PayloadIdentifier", string(identifier + ".wifi"))
                + entry("PayloadUUID", string("0C1D2E3F-4A5B-4C6D-8E7F-1A2B3C4D5E6F"))
                + entry("PayloadDisplayName", string("Wi-Fi " + ssid))
                + entry("PayloadVersion", "<integer>1</integer>") + "</dict>";
        String passcode = payload("com.apple.mobiledevice.passwordpolicy", identifier + ".passcode",
                "5A1C3E0B-7F52-4D1A-9C44-2B6A1D3F0E11");
        return plist(top(identifier, uuid, displayName, wifiPayload + passcode));
    }

    static byte[] bytes(String xml) {
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] binary(String xml) {
        try {
            NSObject root = XMLPropertyListParser.parse(bytes(xml));
            return BinaryPropertyListWriter.writeToArray(root);
        } catch (Exception e) {
            throw new IllegalStateException("test plist does not parse", e);
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = TestProfiles.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
