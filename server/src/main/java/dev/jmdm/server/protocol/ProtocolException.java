package dev.jmdm.server.protocol;

/** A device or admin message breaks the protocol (missing keys, wrong types); answered with 400. */
public final class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }
}
