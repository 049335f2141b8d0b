package dev.jmdm.profiles;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import java.nio.charset.StandardCharsets;

/**
 * The MDM commands this module asks for, as the XML property lists a device receives:
 * {@code {CommandUUID, Command: {RequestType, ...}}}.
 */
public final class ProfileCommands {
    private ProfileCommands() {
    }

    /** InstallProfile; the profile goes in as stored (signed profiles keep their signature). */
    public static byte[] installProfile(String commandUuid, byte[] profileBytes) {
        if (profileBytes == null || profileBytes.length == 0) {
            throw new IllegalArgumentException("the profile to install is empty");
        }
        NSDictionary command = request("InstallProfile");
        command.put("Payload", new NSData(profileBytes));
        return envelope(commandUuid, command);
    }

    public static byte[] removeProfile(String commandUuid, String identifier) {
        if (identifier == null || identifier.isBlank()) {
            throw new IllegalArgumentException("the profile identifier to remove is empty");
        }
        NSDictionary command = request("RemoveProfile");
        command.put("Identifier", identifier);
        return envelope(commandUuid, command);
    }

    /** ProfileList of every installed profile (ManagedOnly left at its default, false). */
    public static byte[] profileList(String commandUuid) {
        return envelope(commandUuid, request("ProfileList"));
    }

    private static NSDictionary request(String requestType) {
        NSDictionary command = new NSDictionary();
        command.put("RequestType", requestType);
        return command;
    }

    private static byte[] envelope(String commandUuid, NSDictionary command) {
        if (commandUuid == null || commandUuid.isBlank()) {
            throw new IllegalArgumentException("the CommandUUID is empty");
        }
        NSDictionary root = new NSDictionary();
        root.put("CommandUUID", commandUuid);
        root.put("Command", command);
        return root.toXMLPropertyList().getBytes(StandardCharsets.UTF_8);
    }
}
