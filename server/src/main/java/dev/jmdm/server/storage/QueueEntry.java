package dev.jmdm.server.storage;

/**
 * One command in one enrollment's queue, with its delivery and the device's answer.
 * Times are epoch milliseconds, null when not happened.
 *
 * @param status the stored status: null before any answer, NotNow, a final Apple status
 *               (Acknowledged, Error, CommandFormatError), or a server action (Canceled, Cleared, Expired)
 * @param result the device's last answer as sent (plist bytes), null before any answer
 */
public record QueueEntry(
        String enrollmentId,
        String commandUuid,
        String requestType,
        boolean pending,
        String status,
        Long deliveredAt,
        int deliveryCount,
        Long notNowAt,
        int notNowTally,
        Long resultAt,
        byte[] result,
        long createdAt) {

    public static final String CANCELED = "Canceled";
    public static final String CLEARED = "Cleared";
    /** Pending for MDM_COMMAND_TTL for a device not seen as long: closed by the server, never delivered after. */
    public static final String EXPIRED = "Expired";

    /** A single word for where the command stands: queued, delivered, or the stored status. */
    public String state() {
        if (status != null) {
            return status;
        }
        return deliveredAt == null ? "Queued" : "Delivered";
    }
}
