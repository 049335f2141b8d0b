package dev.jmdm.apns;

import java.util.UUID;

/** How one push ended. A push never fails with an exception: every way it can end is one of these. */
public sealed interface PushOutcome {

    /** APNs accepted the push; delivery to the device is still up to APNs. */
    record Sent(UUID apnsId) implements PushOutcome {
    }

    /**
     * APNs says the token will never work again (410 Unregistered or ExpiredToken, 400 BadDeviceToken): stop pushing
     * to it until the device sends a new TokenUpdate.
     */
    record TokenInvalid(String reason) implements PushOutcome {
    }

    /**
     * Not sent: a refusal that retrying cannot fix, or a transient error that outlasted the retries.
     *
     * @param reason APNs's reason string (e.g. {@code BadCertificate}) or what went wrong before APNs answered
     * @param statusCode APNs's HTTP status, or {@link #NO_RESPONSE} when APNs never answered
     */
    record Failed(String reason, int statusCode) implements PushOutcome {
        public static final int NO_RESPONSE = 0;
    }
}
