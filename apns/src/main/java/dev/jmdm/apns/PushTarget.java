package dev.jmdm.apns;

import java.util.regex.Pattern;

/**
 * One enrollment to wake up, with what its last TokenUpdate reported.
 *
 * @param enrollmentId the enrollment id (UDID, UDID:UserID, …); {@link PushSender#pushAll} pushes each id once
 * @param topic the APNs topic the enrollment reported, which picks the push certificate
 * @param tokenHex the device token as hex; Apple does not promise a length, so only the form is checked
 * @param pushMagic the PushMagic string the device expects back in the payload
 */
public record PushTarget(String enrollmentId, String topic, String tokenHex, String pushMagic) {
    private static final Pattern HEX = Pattern.compile("(?:[0-9a-fA-F]{2})+");

    public PushTarget {
        requireText(enrollmentId, "enrollmentId");
        requireText(topic, "topic");
        requireText(pushMagic, "pushMagic");
        if (tokenHex == null || !HEX.matcher(tokenHex).matches()) {
            throw new IllegalArgumentException("tokenHex must be a non-empty, even number of hex digits for enrollment "
                    + enrollmentId);
        }
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
