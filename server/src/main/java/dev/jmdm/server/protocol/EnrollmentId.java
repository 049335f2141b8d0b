package dev.jmdm.server.protocol;

/**
 * The id a channel is stored and addressed under, and the device channel it hangs off.
 *
 * @param id       {@code UDID}, {@code UDID:UserID}, {@code UDID:UserShortName} (Shared iPad),
 *                 {@code EnrollmentID} or {@code EnrollmentID:EnrollmentUserID}
 * @param type     the channel type
 * @param deviceId the device channel's id; equal to id for device channels
 */
public record EnrollmentId(String id, EnrollmentType type, String deviceId) {
    public boolean isDeviceChannel() {
        return id.equals(deviceId);
    }
}
