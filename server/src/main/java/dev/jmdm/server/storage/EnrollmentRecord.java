package dev.jmdm.server.storage;

/** A stored enrollment channel, as the API lists it. Times are epoch milliseconds. */
public record EnrollmentRecord(
        String id,
        String deviceId,
        String type,
        String userId,
        String userShortName,
        String userLongName,
        String topic,
        String pushMagic,
        String tokenHex,
        boolean enabled,
        int tokenUpdateTally,
        long lastSeenAt,
        long createdAt,
        String serialNumber) {
}
