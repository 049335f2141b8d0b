package dev.jmdm.apns;

/**
 * A push certificate was refused. The message is meant for the administrator who uploaded it, so it says what is wrong
 * and, where it helps, what to do about it.
 */
public final class PushCertificateException extends IllegalArgumentException {
    PushCertificateException(String message) {
        super(message);
    }

    PushCertificateException(String message, Throwable cause) {
        super(message, cause);
    }
}
