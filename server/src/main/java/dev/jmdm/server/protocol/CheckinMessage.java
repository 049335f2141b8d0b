package dev.jmdm.server.protocol;

import com.dd.plist.NSDictionary;
import java.util.HexFormat;

/**
 * A check-in message (Content-Type application/x-apple-aspen-mdm-checkin), one record per
 * MessageType. Every record keeps the raw body: it is stored as sent.
 */
public sealed interface CheckinMessage {
    Enrollment enrollment();

    byte[] raw();

    default String messageType() {
        return getClass().getSimpleName();
    }

    record Authenticate(Enrollment enrollment, byte[] raw, String topic, String serialNumber, String productName,
            String osVersion, String deviceName) implements CheckinMessage {
    }

    /**
     * @param tokenHex    the APNs device token, hex encoded as APNs wants it
     * @param unlockToken present on the device channel of supervised/passcode devices
     */
    record TokenUpdate(Enrollment enrollment, byte[] raw, String topic, String pushMagic, String tokenHex,
            byte[] unlockToken, boolean awaitingConfiguration) implements CheckinMessage {
    }

    record CheckOut(Enrollment enrollment, byte[] raw) implements CheckinMessage {
    }

    record UserAuthenticate(Enrollment enrollment, byte[] raw, String digestResponse) implements CheckinMessage {
    }

    /** An absent or empty token clears the stored one, as Apple documents. */
    record SetBootstrapToken(Enrollment enrollment, byte[] raw, byte[] bootstrapToken) implements CheckinMessage {
    }

    record GetBootstrapToken(Enrollment enrollment, byte[] raw) implements CheckinMessage {
    }

    record DeclarativeManagement(Enrollment enrollment, byte[] raw, String endpoint) implements CheckinMessage {
    }

    record GetToken(Enrollment enrollment, byte[] raw, String tokenServiceType) implements CheckinMessage {
    }

    /** Parses a check-in body; an unknown or missing MessageType is a {@link ProtocolException}. */
    static CheckinMessage parse(NSDictionary d, byte[] raw) {
        String type = Plists.string(d, "MessageType");
        if (type == null) {
            throw new ProtocolException("check-in message has no MessageType");
        }
        Enrollment e = Enrollment.from(d);
        return switch (type) {
            case "Authenticate" -> new Authenticate(e, raw, Plists.requiredString(d, "Topic", Limits.TOPIC),
                    Plists.string(d, "SerialNumber", Limits.SERIAL_NUMBER), Plists.string(d, "ProductName", Limits.PRODUCT_NAME),
                    Plists.string(d, "OSVersion", Limits.OS_VERSION), Plists.string(d, "DeviceName", Limits.DEVICE_NAME));
            case "TokenUpdate" -> {
                byte[] token = Plists.data(d, "Token");
                if (token == null || token.length == 0) {
                    throw new ProtocolException("TokenUpdate has no Token");
                }
                if (token.length > Limits.TOKEN_BYTES) {
                    throw new ProtocolException("Token is longer than " + Limits.TOKEN_BYTES + " bytes");
                }
                yield new TokenUpdate(e, raw, Plists.requiredString(d, "Topic", Limits.TOPIC),
                        Plists.requiredString(d, "PushMagic", Limits.PUSH_MAGIC),
                        HexFormat.of().formatHex(token), Plists.data(d, "UnlockToken"), Plists.bool(d, "AwaitingConfiguration"));
            }
            case "CheckOut" -> new CheckOut(e, raw);
            case "UserAuthenticate" -> new UserAuthenticate(e, raw, Plists.string(d, "DigestResponse"));
            case "SetBootstrapToken" -> new SetBootstrapToken(e, raw, Plists.data(d, "BootstrapToken"));
            case "GetBootstrapToken" -> new GetBootstrapToken(e, raw);
            case "DeclarativeManagement" -> new DeclarativeManagement(e, raw, Plists.string(d, "Endpoint"));
            case "GetToken" -> new GetToken(e, raw, Plists.string(d, "TokenServiceType"));
            default -> throw new ProtocolException("unknown MessageType '" + type + "'");
        };
    }
}
