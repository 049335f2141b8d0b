package dev.jmdm.server.storage;

import java.util.Collection;
import java.util.List;

/** What pushing needs of the enrollments: their push details, the outcomes, and the re-push sweep's claims. */
public interface PushTargets {
    /** What pushing an enrollment needs, including whether APNs gave up on its token. */
    record PushInfo(String id, String topic, String tokenHex, String pushMagic, boolean enabled, boolean tokenInvalid,
            String tokenInvalidReason) {
    }

    /** The stored enrollments among ids; unknown ids are left out. */
    List<PushInfo> pushInfo(Collection<String> ids);

    /**
     * APNs said the token is gone: stop pushing until the device's next TokenUpdate. Only while the
     * stored token is still the one pushed. Returns whether the enrollment was marked.
     */
    boolean markTokenInvalid(String id, String pushedTokenHex, String reason);

    void recordPushed(Collection<String> ids);

    /**
     * Claims up to limit enrollments that wait for a re-push (enabled, token valid, commands pending,
     * silent since before silentSince, past their backoff); two servers never claim the same one.
     */
    List<String> claimRepush(long silentSince, long baseBackoffMillis, int limit);
}
