package dev.jmdm.server.storage;

/**
 * A host: the machine. Times are epoch milliseconds.
 *
 * @param deviceId   the device channel id of its current enrollment (UDID or EnrollmentID); null before it enrolls
 * @param enrolledAt when it last Authenticated; null for a host pre-registered by serial that has not enrolled yet
 */
public record HostRecord(long id, String udid, String serialNumber, String deviceId, String platform, String productName,
        String osVersion, String deviceName, Long enrolledAt, long createdAt, long updatedAt) {

    public boolean pendingEnrollment() {
        return enrolledAt == null;
    }

    /** Platform from Apple's ProductName (iPhone15,2, iPad13,1, Mac14,2, MacBookPro18,1, AppleTV…). */
    public static String platformOf(String productName) {
        if (productName == null) {
            return null;
        }
        if (productName.startsWith("iPhone") || productName.startsWith("iPod")) {
            return "ios";
        }
        if (productName.startsWith("iPad")) {
            return "ipados";
        }
        if (productName.startsWith("AppleTV")) {
            return "tvos";
        }
        if (productName.startsWith("Watch")) {
            return "watchos";
        }
        if (productName.startsWith("RealityDevice")) {
            return "visionos";
        }
        return "macos";
    }
}
