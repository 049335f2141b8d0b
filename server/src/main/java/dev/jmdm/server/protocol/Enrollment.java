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
        return new Enrollment(Plists.string(d, "UDID"), Plists.string(d, "UserID"), Plists.string(d, "UserShortName"),
                Plists.string(d, "UserLongName"), Plists.string(d, "EnrollmentID"), Plists.string(d, "EnrollmentUserID"));
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
                return new EnrollmentId(udid + ":" + userShortName, EnrollmentType.SHARED_IPAD, udid);
            }
            return new EnrollmentId(udid + ":" + userId, EnrollmentType.USER, udid);
        }
        if (enrollmentId != null) {
            if (enrollmentUserId == null) {
                return new EnrollmentId(enrollmentId, EnrollmentType.USER_ENROLLMENT_DEVICE, enrollmentId);
            }
            return new EnrollmentId(enrollmentId + ":" + enrollmentUserId, EnrollmentType.USER_ENROLLMENT, enrollmentId);
        }
        throw new ProtocolException("message has neither UDID nor EnrollmentID");
    }
}
