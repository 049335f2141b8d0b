package dev.jmdm.server.protocol;

import com.dd.plist.NSDictionary;

/**
 * The identifying keys every device message carries, as sent.
 */
public record Enrollment(String udid, String userId, String userShortName, String userLongName,
        String enrollmentId, String enrollmentUserId) {

    /**
     * Shared iPad users all connect with this UserID; Apple says to tell them apart by
     * UserShortName (the Managed Apple ID).
     */
    public static final String SHARED_IPAD_USER_ID = "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF";

    static Enrollment from(NSDictionary d) {
        int max = Limits.ENROLLMENT_ID;
        Enrollment e = new Enrollment(Plists.string(d, "UDID", max), Plists.string(d, "UserID", max),
                Plists.string(d, "UserShortName", max), Plists.string(d, "UserLongName", max), Plists.string(d, "EnrollmentID", max),
                Plists.string(d, "EnrollmentUserID", max));
        if (e.udid() != null || e.enrollmentId() != null) {
            e.resolve(); // the joined channel id is stored too, so it must fit as well
        }
        return e;
    }

    /** The channel this message belongs to; a message with neither UDID nor EnrollmentID is refused. */
    public EnrollmentId resolve() {
        if (udid != null) {
            if (userId == null) {
                return new EnrollmentId(udid, EnrollmentType.DEVICE, udid);
            }
            if (SHARED_IPAD_USER_ID.equalsIgnoreCase(userId)) {
                if (userShortName == null) {
                    throw new ProtocolException("Shared iPad user message has no UserShortName");
                }
                return userChannel("UDID:UserShortName", udid + ":" + userShortName, EnrollmentType.SHARED_IPAD, udid);
            }
            return userChannel("UDID:UserID", udid + ":" + userId, EnrollmentType.USER, udid);
        }
        if (enrollmentId != null) {
            if (enrollmentUserId == null) {
                return new EnrollmentId(enrollmentId, EnrollmentType.USER_ENROLLMENT_DEVICE, enrollmentId);
            }
            return userChannel("EnrollmentID:EnrollmentUserID", enrollmentId + ":" + enrollmentUserId, EnrollmentType.USER_ENROLLMENT,
                    enrollmentId);
        }
        throw new ProtocolException("message has neither UDID nor EnrollmentID");
    }

    private static EnrollmentId userChannel(String shape, String id, EnrollmentType type, String deviceId) {
        return new EnrollmentId(Limits.check("the channel id " + shape, id, Limits.ENROLLMENT_ID), type, deviceId);
    }
}
