package dev.jmdm.server.protocol;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;

/** Typed reads of dictionary keys that say which key was wrong. */
final class Plists {
    private Plists() {
    }

    /** The string at key, null when absent or empty. */
    static String string(NSDictionary d, String key) {
        NSObject o = d.get(key);
        if (o == null) {
            return null;
        }
        if (!(o instanceof NSString s)) {
            throw new ProtocolException(key + " must be a string");
        }
        String v = s.getContent();
        return v.isEmpty() ? null : v;
    }

    /** The string at key, null when absent or empty; one longer than max characters is refused. */
    static String string(NSDictionary d, String key, int max) {
        return Limits.check(key, string(d, key), max);
    }

    /** A string that must be there with more than blanks in it, and no longer than max characters. */
    static String requiredString(NSDictionary d, String key, int max) {
        String v = string(d, key, max);
        if (v == null || v.isBlank()) {
            throw new ProtocolException(key + " is missing or blank");
        }
        return v;
    }

    /** Data at key; null when absent. */
    static byte[] data(NSDictionary d, String key) {
        NSObject o = d.get(key);
        if (o == null) {
            return null;
        }
        if (!(o instanceof NSData data)) {
            throw new ProtocolException(key + " must be data");
        }
        return data.bytes();
    }

    static boolean bool(NSDictionary d, String key) {
        NSObject o = d.get(key);
        return o instanceof NSNumber n && n.boolValue();
    }

    static NSDictionary dict(NSDictionary d, String key) {
        NSObject o = d.get(key);
        if (o == null) {
            return null;
        }
        if (!(o instanceof NSDictionary dict)) {
            throw new ProtocolException(key + " must be a dictionary");
        }
        return dict;
    }
}
