package dev.jmdm.profiles;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the installed profiles from a device's Acknowledged answer to ProfileList. Strict: an entry without
 * PayloadIdentifier or PayloadUUID is an error, not skipped, because a profile wrongly seen as missing
 * would be installed again.
 */
public final class ProfileListParser {
    private ProfileListParser() {
    }

    /** @throws IllegalArgumentException when the answer is not an Acknowledged ProfileList answer */
    public static List<InstalledProfile> parse(byte[] answer) {
        NSDictionary root = CommandAnswer.read(answer);
        String status = CommandAnswer.string(root, "Status", "the answer");
        if (status != null && !status.equals("Acknowledged")) {
            throw new IllegalArgumentException("the ProfileList answer has Status " + status + ", not Acknowledged");
        }
        NSObject list = root.get("ProfileList");
        if (!(list instanceof NSArray array)) {
            throw new IllegalArgumentException(list == null ? "the answer has no ProfileList" : "the answer's ProfileList is not an array");
        }
        List<InstalledProfile> installed = new ArrayList<>(array.count());
        for (int i = 0; i < array.count(); i++) {
            String where = "ProfileList[" + i + "]";
            if (!(array.objectAtIndex(i) instanceof NSDictionary item)) {
                throw new IllegalArgumentException(where + " is not a dictionary");
            }
            installed.add(new InstalledProfile(
                    required(item, "PayloadIdentifier", where),
                    required(item, "PayloadUUID", where),
                    CommandAnswer.string(item, "PayloadDisplayName", where),
                    item.get("IsManaged") instanceof NSNumber managed && managed.boolValue()));
        }
        return List.copyOf(installed);
    }

    private static String required(NSDictionary item, String key, String where) {
        String value = CommandAnswer.string(item, key, where);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(where + " has no " + key);
        }
        return value;
    }
}
