package dev.jmdm.profiles;

/**
 * An uploaded profile was refused; the message names the problem in words an administrator can act on
 * ("PayloadContent[2] has no PayloadUUID").
 */
public final class ProfileValidationException extends Exception {
    public ProfileValidationException(String message) {
        super(message);
    }

    public ProfileValidationException(String message, Throwable cause) {
        super(message, cause);
    }
}
