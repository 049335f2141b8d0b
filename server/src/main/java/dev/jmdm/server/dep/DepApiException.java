package dev.jmdm.server.dep;

/**
 * The DEP API refused a call, or could not be reached. code is Apple's error word when its body is one
 * ({@code MALFORMED_CURSOR}, {@code EXPIRED_CURSOR}, {@code T_C_NOT_SIGNED}, …), else null; status is 0 when no answer came.
 */
public final class DepApiException extends RuntimeException {
    private final int status;
    private final String code;

    public DepApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public DepApiException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.code = null;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The cursor the sync sent is no longer usable: start over with a full fetch. */
    public boolean badCursor() {
        return "MALFORMED_CURSOR".equals(code) || "EXPIRED_CURSOR".equals(code) || "INVALID_CURSOR".equals(code)
                || "CURSOR_REQUIRED".equals(code);
    }
}
