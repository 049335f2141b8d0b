package dev.jmdm.apns;

import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import java.time.Instant;

/**
 * The MDM wakeup as Apple specifies it: payload {@code {"mdm":"<PushMagic>"}} and nothing else, push type {@code mdm},
 * priority 10. The device then checks in with the server; the push itself carries no command.
 *
 * @see <a href="https://developer.apple.com/documentation/devicemanagement/sending-mdm-commands-to-a-device">Sending
 *     MDM commands to a device</a>
 */
final class MdmNotification {
    private MdmNotification() {
    }

    static SimpleApnsPushNotification of(PushTarget target, Instant expiration) {
        return new SimpleApnsPushNotification(target.tokenHex(), target.topic(), payload(target.pushMagic()), expiration,
                DeliveryPriority.IMMEDIATE, PushType.MDM);
    }

    static String payload(String pushMagic) {
        StringBuilder json = new StringBuilder(pushMagic.length() + 12).append("{\"mdm\":\"");
        // PushMagic is a UUID in practice, but it comes from the device, so escape it rather than trust it
        for (int i = 0; i < pushMagic.length(); i++) {
            char c = pushMagic.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append("\"}").toString();
    }
}
