package dev.jmdm.server.plist;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSSet;
import com.dd.plist.NSString;
import com.dd.plist.UID;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plist values as JSON-ready Java values, for admin tools that cannot read XML: data becomes
 * base64 strings, dates ISO-8601 strings (UTC), integers stay integers, dictionaries keep their order.
 */
public final class PlistJson {
    private PlistJson() {
    }

    public static Object toJsonValue(NSObject o) {
        if (o == null) {
            return null;
        }
        if (o instanceof NSDictionary d) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, NSObject> e : d.getHashMap().entrySet()) {
                m.put(e.getKey(), toJsonValue(e.getValue()));
            }
            return m;
        }
        if (o instanceof NSArray a) {
            List<Object> l = new ArrayList<>(a.count());
            for (NSObject item : a.getArray()) {
                l.add(toJsonValue(item));
            }
            return l;
        }
        if (o instanceof NSSet s) {
            List<Object> l = new ArrayList<>();
            for (NSObject item : s.allObjects()) {
                l.add(toJsonValue(item));
            }
            return l;
        }
        if (o instanceof NSString s) {
            return s.getContent();
        }
        if (o instanceof NSNumber n) {
            return switch (n.type()) {
                case NSNumber.BOOLEAN -> n.boolValue();
                case NSNumber.INTEGER -> n.longValue();
                default -> n.doubleValue();
            };
        }
        if (o instanceof NSData data) {
            return Base64.getEncoder().encodeToString(data.bytes());
        }
        if (o instanceof NSDate date) {
            return date.getDate().toInstant().toString();
        }
        if (o instanceof UID uid) {
            return Base64.getEncoder().encodeToString(uid.getBytes());
        }
        return o.toString();
    }
}
