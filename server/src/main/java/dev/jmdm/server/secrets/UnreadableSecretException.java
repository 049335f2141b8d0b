package dev.jmdm.server.secrets;

/**
 * A stored secret that does not open with this server's key: it was sealed with another MDM_SECRET_KEY, or
 * copied from another row. Answered 503: the request was fine, the server's configuration is not.
 */
public final class UnreadableSecretException extends RuntimeException {
    UnreadableSecretException(SealedColumn column) {
        super("the stored " + column.label() + " cannot be opened with this server's MDM_SECRET_KEY: it was sealed with "
                + "another key (every server sharing the database needs the key that sealed it) or copied from another row");
    }
}
