package dev.jmdm.sim;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.PropertyListParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * One enrollment channel of a simulated device (the device channel or a user channel): its
 * push token and magic, and its command loop.
 */
public final class Channel {
    /** A poll stops after this many commands, so a server bug cannot spin a test forever. */
    static final int MAX_COMMANDS_PER_POLL = 1000;

    private final SimulatedDevice device;
    private final NSDictionary keys;
    private volatile byte[] token = SimulatedDevice.randomBytes(32);
    private volatile String pushMagic = UUID.randomUUID().toString().toUpperCase();

    Channel(SimulatedDevice device, NSDictionary keys) {
        this.device = device;
        this.keys = keys;
    }

    /** The enrollment id the server files this channel under. */
    public String enrollmentId() {
        String base = keys.containsKey("UDID") ? keys.get("UDID").toString() : keys.get("EnrollmentID").toString();
        if (keys.containsKey("EnrollmentUserID")) {
            return base + ":" + keys.get("EnrollmentUserID");
        }
        if (keys.containsKey("UserID")) {
            String userId = keys.get("UserID").toString();
            return base + ":" + ("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF".equals(userId) ? keys.get("UserShortName").toString() : userId);
        }
        return base;
    }

    /** The APNs token, hex, as the server will push to it. */
    public String tokenHex() {
        return HexFormat.of().formatHex(token);
    }

    public String pushMagic() {
        return pushMagic;
    }

    /** The raw APNs token. */
    public byte[] token() {
        return token.clone();
    }

    /** Takes back the token and push magic a device had before (a device started again from its state file). */
    public void restorePushIdentity(byte[] token, String pushMagic) {
        this.token = token.clone();
        this.pushMagic = pushMagic;
    }

    void newToken() {
        token = SimulatedDevice.randomBytes(32);
        pushMagic = UUID.randomUUID().toString().toUpperCase();
    }

    NSDictionary message(String type) {
        NSDictionary m = new NSDictionary();
        m.put("MessageType", type);
        keys.getHashMap().forEach(m::put);
        return m;
    }

    public ServerReply tokenUpdate() {
        return tokenUpdate(java.util.Map.of());
    }

    /** A TokenUpdate with keys replaced or added (for protocol edge tests); an empty string removes a key. */
    public ServerReply tokenUpdate(java.util.Map<String, ?> changes) {
        NSDictionary m = message("TokenUpdate");
        m.put("Topic", device.topic());
        m.put("Token", SimulatedDevice.data(token));
        m.put("PushMagic", pushMagic);
        if (!keys.containsKey("UserID") && !keys.containsKey("EnrollmentUserID") && device.escrowsUnlockToken()) {
            m.put("UnlockToken", SimulatedDevice.data(device.state().unlockToken()));
        }
        m.put("AwaitingConfiguration", false);
        return device.checkin(changed(m, changes));
    }

    private static NSDictionary changed(NSDictionary m, java.util.Map<String, ?> changes) {
        changes.forEach((k, v) -> {
            if ("".equals(v)) {
                m.remove(k);
            } else {
                m.put(k, v);
            }
        });
        return m;
    }

    public ServerReply checkOut() {
        return device.checkin(message("CheckOut"));
    }

    public ServerReply userAuthenticate() {
        return device.checkin(message("UserAuthenticate"));
    }

    public ServerReply setBootstrapToken(byte[] token) {
        NSDictionary m = message("SetBootstrapToken");
        m.put("BootstrapToken", SimulatedDevice.data(token));
        return device.checkin(m);
    }

    public ServerReply getBootstrapToken() {
        return device.checkin(message("GetBootstrapToken"));
    }

    /** Sends any check-in message type with this channel's keys (for protocol edge tests). */
    public ServerReply checkin(String messageType) {
        return checkin(messageType, java.util.Map.of());
    }

    /** Any check-in message type with this channel's keys and the given ones (an empty string removes a key). */
    public ServerReply checkin(String messageType, java.util.Map<String, ?> keys) {
        return device.checkin(changed(message(messageType), keys));
    }

    /** One Idle request; the reply is the next command or empty. */
    public ServerReply idle() {
        return report("Idle", null, null);
    }

    /** Sends a command report with the given status (and extra keys). */
    public ServerReply report(String status, String commandUuid, NSDictionary extra) {
        NSDictionary m = new NSDictionary();
        m.put("Status", status);
        keys.getHashMap().forEach(m::put);
        if (commandUuid != null) {
            m.put("CommandUUID", commandUuid);
        }
        if (extra != null) {
            extra.getHashMap().forEach(m::put);
        }
        return device.connect(m.toXMLPropertyList().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What a device does when woken: Idle, then run each command it is given and answer it,
     * until the server has nothing more. Returns the commands handled, in order.
     * A dropped answer ends the poll (the device "lost its connection").
     */
    public List<HandledCommand> poll() {
        List<HandledCommand> handled = new ArrayList<>();
        ServerReply reply = idle();
        while (true) {
            SimulatedDevice.expectOk(reply, "command poll");
            if (reply.isEmpty()) {
                return handled;
            }
            if (handled.size() >= MAX_COMMANDS_PER_POLL) {
                throw new IllegalStateException("server kept sending commands: " + MAX_COMMANDS_PER_POLL + " in one poll");
            }
            NSDictionary envelope = parse(reply.body());
            String uuid = envelope.get("CommandUUID").toString();
            NSDictionary command = (NSDictionary) envelope.get("Command");
            String requestType = command.get("RequestType").toString();
            Answer answer = device.answer(requestType, command);
            if (answer.dropped()) {
                handled.add(new HandledCommand(uuid, requestType, null));
                return handled;
            }
            handled.add(new HandledCommand(uuid, requestType, answer.status()));
            reply = report(answer.status(), uuid, answer.extra());
        }
    }

    private static NSDictionary parse(byte[] body) {
        try {
            NSObject o = PropertyListParser.parse(body);
            return (NSDictionary) o;
        } catch (Exception e) {
            throw new IllegalStateException("server sent a command that is not a plist dictionary", e);
        }
    }
}
