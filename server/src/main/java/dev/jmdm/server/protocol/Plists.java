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

    static String requiredString(NSDictionary d, String key) {
        String v = string(d, key);
        if (v == null) {
            throw new ProtocolException(key + " is missing");
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
