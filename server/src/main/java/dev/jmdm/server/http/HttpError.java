package dev.jmdm.server.http;

/** A refusal with a status and a message the caller can act on; the message is sent as JSON. */
public final class HttpError extends RuntimeException {
    private final int status;

    public HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
