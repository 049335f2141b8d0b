package dev.jmdm.server.storage;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/** The store could not be opened: {@link #reason()} says why in one line an operator can act on. */
public final class StoreUnavailableException extends RuntimeException {
    StoreUnavailableException(SQLException cause) {
        super(reason(cause), cause);
    }

    public String reason() {
        return getMessage();
    }

    /**
     * The network's word when the server was not reached (drivers bury it under a paragraph of their
     * own), the database's message otherwise, on one line.
     */
    static String reason(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage().replaceFirst(":.*", "") + " (the name does not resolve)";
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return "cannot connect to the database server: " + t.getMessage();
            }
            if (t instanceof SocketTimeoutException) {
                return "the database server did not answer in time (" + t.getMessage() + ")";
            }
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }
}
