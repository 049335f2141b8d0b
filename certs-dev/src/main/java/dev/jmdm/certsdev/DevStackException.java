package dev.jmdm.certsdev;

/**
 * A problem with a development PKI directory that the user can fix: a missing CA, a half-deleted identity, a
 * certificate that no longer matches what was asked for. The message says what to do.
 */
public final class DevStackException extends RuntimeException {
    public DevStackException(String message) {
        super(message);
    }

    public DevStackException(String message, Throwable cause) {
        super(message, cause);
    }
}
