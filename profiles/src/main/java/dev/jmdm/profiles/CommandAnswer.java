package dev.jmdm.profiles;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListFormatException;
import dev.jmdm.plist.UntrustedPlist;

/** A device's answer to a command (the plist it PUTs back): its dictionary and typed reads of its keys. */
final class CommandAnswer {
    private CommandAnswer() {
    }

    static NSDictionary read(byte[] plist) {
        NSObject root;
        try {
            root = UntrustedPlist.read(plist);
        } catch (PropertyListFormatException e) {
            throw new IllegalArgumentException("the command answer is not a valid property list: " + e.getMessage(), e);
        }
        if (!(root instanceof NSDictionary dict)) {
            throw new IllegalArgumentException("the command answer's root is not a dictionary");
        }
        return dict;
    }

    /** The string under key, or null when absent. */
    static String string(NSDictionary dict, String key, String where) {
        NSObject value = dict.get(key);
        if (value != null && !(value instanceof NSString)) {
            throw new IllegalArgumentException(where + "'s " + key + " is not a string");
        }
        return value == null ? null : ((NSString) value).getContent();
    }
}
