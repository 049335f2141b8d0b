package dev.jmdm.server.push;

/**
 * What happened to one enrollment's wakeup: the apns-id on success, or why not.
 *
 * @param attempted false when the enrollment itself cannot be pushed (unknown, disabled, token gone,
 *     push details missing), true when a push was tried: a failure then lies with APNs or the server
 * @param pending true when the caller stopped waiting before APNs answered: the push goes on in the
 *     background, and the re-push sweep covers it should it never get through
 */
public record PushResult(String apnsId, String error, boolean attempted, boolean pending) {
    public static PushResult sent(String apnsId) {
        return new PushResult(apnsId, null, true, false);
    }

    public static PushResult failed(String error) {
        return new PushResult(null, error, true, false);
    }

    public static PushResult notPushable(String error) {
        return new PushResult(null, error, false, false);
    }

    public static PushResult pending(String error) {
        return new PushResult(null, error, true, true);
    }

    public boolean ok() {
        return error == null;
    }
}
