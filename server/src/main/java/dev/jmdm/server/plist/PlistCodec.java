package dev.jmdm.server.plist;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.PropertyListFormatException;
import dev.jmdm.plist.UntrustedPlist;
import java.nio.charset.StandardCharsets;

/**
 * Untrusted property lists in and out for the server. Parsing is {@link UntrustedPlist}'s, the one hardened
 * reader (shared with profile uploads and command answers): UTF-8 XML with Apple's plist DOCTYPE and no
 * declarations of its own, or binary; nothing fetched, no entity ever expanded. Its refusals become
 * {@link PlistException}s, which the HTTP layer answers with a 400.
 */
public final class PlistCodec {
    private PlistCodec() {
    }

    /** The top-level dictionary of an XML or binary plist. */
    public static NSDictionary parseDictionary(byte[] body) {
        NSObject root = parse(body);
        if (root instanceof NSDictionary dict) {
            return dict;
        }
        throw new PlistException("plist root is " + (root == null ? "empty" : root.getClass().getSimpleName().replace("NS", "").toLowerCase())
                + ", not a dictionary");
    }

    public static NSObject parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new PlistException("empty body: a plist was expected");
        }
        try {
            return UntrustedPlist.read(body);
        } catch (PropertyListFormatException e) {
            throw new PlistException("malformed " + (UntrustedPlist.isBinary(body) ? "binary" : "XML") + " plist: " + e.getMessage(), e);
        }
    }

    /** XML bytes of a plist object, as devices expect them. */
    public static byte[] toXml(NSObject object) {
        return object.toXMLPropertyList().getBytes(StandardCharsets.UTF_8);
    }
}
