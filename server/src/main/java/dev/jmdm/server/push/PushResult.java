package dev.jmdm.server.push;

/** What happened to one enrollment's wakeup: the apns-id on success, or why not. */
public record PushResult(String apnsId, String error) {
    public static PushResult sent(String apnsId) {
        return new PushResult(apnsId, null);
    }

    public static PushResult failed(String error) {
        return new PushResult(null, error);
    }

    public boolean ok() {
        return error == null;
    }
}
