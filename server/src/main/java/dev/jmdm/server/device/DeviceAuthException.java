package dev.jmdm.server.device;

/**
 * The request's certificate may not speak for this enrollment; answered with 401, the status
 * nanomdm gives a certificate that does not match its enrollment.
 */
public final class DeviceAuthException extends RuntimeException {
    public DeviceAuthException(String message) {
        super(message);
    }
}
