package dev.jmdm.apns;

import com.eatthepath.pushy.apns.PushNotificationResponse;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * One attempt's result sorted for the retry loop: the outcome it stands for, and whether another attempt might do better.
 * A retryable verdict's outcome is what the push ends with when the attempts run out.
 *
 * @see <a href="https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns">
 *     Handling notification responses from APNs</a>
 */
record Verdict(PushOutcome outcome, boolean retryable) {
    private static final int BAD_REQUEST = 400;
    private static final int GONE = 410;
    private static final int TOO_MANY_REQUESTS = 429;

    static Verdict of(PushNotificationResponse<?> response) {
        if (response.isAccepted()) {
            return new Verdict(new PushOutcome.Sent(response.getApnsId()), false);
        }
        int status = response.getStatusCode();
        String reason = response.getRejectionReason().orElse("HTTP " + status);
        // 410 is Unregistered or ExpiredToken: the token is dead for good. Of the 400s only BadDeviceToken says so;
        // the others are faults in our request that no token change would fix.
        if (status == GONE || (status == BAD_REQUEST && "BadDeviceToken".equals(reason))) {
            return new Verdict(new PushOutcome.TokenInvalid(reason), false);
        }
        // 429 is too many pushes to one device token, 5xx is APNs's own trouble: both pass with time
        boolean transientError = status == TOO_MANY_REQUESTS || status >= 500;
        return new Verdict(new PushOutcome.Failed(reason, status), transientError);
    }

    /** No answer at all: refused or lost connections, TLS failures, timeouts. Pushy reconnects, so try again. */
    static Verdict of(Throwable failure, long timeoutMillis) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String reason = cause instanceof TimeoutException
                ? "APNs did not answer within " + timeoutMillis + " ms"
                : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new Verdict(new PushOutcome.Failed(reason, PushOutcome.Failed.NO_RESPONSE), true);
    }
}
