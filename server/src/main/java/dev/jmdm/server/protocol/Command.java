package dev.jmdm.server.protocol;

import com.dd.plist.NSDictionary;

/**
 * A command as an admin enqueued it. {@code raw} is what devices receive, byte for byte.
 */
public record Command(String commandUuid, String requestType, byte[] raw) {
    /** Longest CommandUUID we store (the column width). */
    public static final int MAX_UUID_LENGTH = Limits.COMMAND_UUID;

    static Command parse(NSDictionary d, byte[] raw) {
        String uuid = Plists.string(d, "CommandUUID", Limits.COMMAND_UUID);
        if (uuid == null) {
            throw new ProtocolException("command has no CommandUUID");
        }
        NSDictionary command = Plists.dict(d, "Command");
        if (command == null) {
            throw new ProtocolException("command has no Command dictionary");
        }
        String requestType = Plists.string(command, "RequestType", Limits.REQUEST_TYPE);
        if (requestType == null) {
            throw new ProtocolException("Command has no RequestType");
        }
        return new Command(uuid, requestType, raw);
    }
}
