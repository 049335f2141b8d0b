package dev.jmdm.server.storage;

import dev.jmdm.server.protocol.CheckinMessage;
import dev.jmdm.server.protocol.EnrollmentId;

/**
 * What the check-in and command channels write about an enrollment after Authenticate (which is
 * {@link AuthenticateStore}'s): its token and push magic, CheckOut, last seen. Each call is its own
 * transaction.
 */
public interface CheckinStore extends BootstrapTokenStore {
    /** Whether the device has Authenticated and was not forgotten since. */
    boolean deviceKnown(String deviceId);

    /**
     * Stores a TokenUpdate: creates or refreshes the channel, enables it, counts the tally.
     * Returns the tally after this update (1 means the first TokenUpdate since Authenticate).
     */
    int storeTokenUpdate(EnrollmentId id, CheckinMessage.TokenUpdate msg);

    /** CheckOut: the channel (and, for a device channel, its user channels) stops receiving pushes. */
    void disable(EnrollmentId id);

    /** The enrollment was seen now (its re-push backoff starts over). */
    void touch(String enrollmentId);
}
