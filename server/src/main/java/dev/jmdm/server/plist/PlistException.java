package dev.jmdm.server.plist;

/** A body is not a plist we accept; the message says why, for a 400 answer. */
public final class PlistException extends RuntimeException {
    public PlistException(String message) {
        super(message);
    }

    public PlistException(String message, Throwable cause) {
        super(message, cause);
    }
}
