package dev.jmdm.server.device;

/** The request's certificate may not speak for this enrollment; answered with 400. */
public final class DeviceAuthException extends RuntimeException {
    public DeviceAuthException(String message) {
        super(message);
    }
}
