package dev.jmdm.server.storage;

/** The store could not be opened or reached; the message is the driver's. */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
