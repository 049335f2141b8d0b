package dev.jmdm.server.identity;

/**
 * The request carries no device identity, or one we do not accept. Device paths answer it with 400, never 401:
 * a 401 makes Apple devices drop their enrollment.
 */
public final class IdentityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IdentityException(String message) {
        super(message);
    }

    public IdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
