package dev.jmdm.server.push;

/**
 * What happened to one enrollment's wakeup: the apns-id on success, or why not.
 *
 * @param attempted false when the enrollment itself cannot be pushed (unknown, disabled, token gone,
 *     push details missing), true when a push was tried: a failure then lies with APNs or the server
 */
public record PushResult(String apnsId, String error, boolean attempted) {
    public static PushResult sent(String apnsId) {
        return new PushResult(apnsId, null, true);
    }

    public static PushResult failed(String error) {
        return new PushResult(null, error, true);
    }

    public static PushResult notPushable(String error) {
        return new PushResult(null, error, false);
    }

    public boolean ok() {
        return error == null;
    }
}
