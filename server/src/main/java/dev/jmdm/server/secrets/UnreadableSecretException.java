package dev.jmdm.server.secrets;

/**
 * A stored secret that does not open: it was sealed with another MDM_SECRET_KEY (or copied from another row), or
 * its stored bytes are damaged. Answered 503 with a JSON error: the request was fine and sending it again as it is
 * cannot help (so no 4xx), and the cause is known and named, so it is no 500 (an unexpected fault with a stack
 * trace in the log); what mends it is the operator's (the right key, or the value stored again).
 */
public final class UnreadableSecretException extends RuntimeException {
    private UnreadableSecretException(String message) {
        super(message);
    }

    static UnreadableSecretException wrongKey(SealedColumn column) {
        return new UnreadableSecretException("the stored " + column.label() + " cannot be opened with this server's MDM_SECRET_KEY: it "
                + "was sealed with another key (every server sharing the database needs the key that sealed it) or copied from another row");
    }

    static UnreadableSecretException damaged(SealedColumn column, String rowKey) {
        return new UnreadableSecretException("the stored " + column.label() + " (" + column.table() + "." + column.column() + " of "
                + rowKey + ") is damaged: its bytes are not a sealed value, so no key opens it; it must be stored again "
                + "(the device sends it anew, or the admin issues a new one)");
    }
}
