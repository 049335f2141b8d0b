package dev.jmdm.sim;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** MDM command plists as an admin tool would write them. */
public final class Commands {
    private Commands() {
    }

    /** A command with a fresh CommandUUID. */
    public record Built(String commandUuid, String requestType, byte[] plist) {
    }

    public static Built of(String requestType) {
        return of(requestType, new NSDictionary());
    }

    /** A command whose Command dictionary holds RequestType plus the given keys. */
    public static Built of(String requestType, NSDictionary fields) {
        String uuid = UUID.randomUUID().toString();
        NSDictionary command = new NSDictionary();
        command.put("RequestType", requestType);
        fields.getHashMap().forEach(command::put);
        NSDictionary envelope = new NSDictionary();
        envelope.put("CommandUUID", uuid);
        envelope.put("Command", command);
        return new Built(uuid, requestType, envelope.toXMLPropertyList().getBytes(StandardCharsets.UTF_8));
    }

    public static Built deviceInformation(String... queries) {
        NSDictionary fields = new NSDictionary();
        NSArray q = new NSArray(queries.length);
        for (int i = 0; i < queries.length; i++) {
            q.setValue(i, new NSString(queries[i]));
        }
        fields.put("Queries", q);
        return of("DeviceInformation", fields);
    }
}
