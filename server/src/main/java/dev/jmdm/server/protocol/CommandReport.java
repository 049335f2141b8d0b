package dev.jmdm.server.protocol;

import com.dd.plist.NSDictionary;

/**
 * A device's answer on the command channel: Idle (asking for work) or the result of a command.
 *
 * @param raw the body as sent, stored as the command's result
 */
public record CommandReport(Enrollment enrollment, Status status, String commandUuid, byte[] raw, NSDictionary body) {

    /** The Status values Apple defines. */
    public enum Status {
        IDLE("Idle"), ACKNOWLEDGED("Acknowledged"), ERROR("Error"), COMMAND_FORMAT_ERROR("CommandFormatError"), NOT_NOW("NotNow");

        private final String wire;

        Status(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        /** A final answer ends the command; NotNow asks for it again later. */
        public boolean isFinal() {
            return this == ACKNOWLEDGED || this == ERROR || this == COMMAND_FORMAT_ERROR;
        }

        static Status parse(String wire) {
            for (Status s : values()) {
                if (s.wire.equals(wire)) {
                    return s;
                }
            }
            throw new ProtocolException("unknown Status '" + wire + "'");
        }
    }

    static CommandReport parse(NSDictionary d, byte[] raw) {
        String statusText = Plists.string(d, "Status");
        if (statusText == null) {
            throw new ProtocolException("command report has no Status");
        }
        Status status = Status.parse(statusText);
        String uuid = Plists.string(d, "CommandUUID", Limits.COMMAND_UUID);
        if (status != Status.IDLE && uuid == null) {
            throw new ProtocolException(statusText + " report has no CommandUUID");
        }
        return new CommandReport(Enrollment.from(d), status, status == Status.IDLE ? null : uuid, raw, d);
    }
}
