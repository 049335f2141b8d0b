package dev.jmdm.server.config;

/** A setting has a value the server cannot run with; the message names the setting and what is allowed. */
public final class SettingsException extends RuntimeException {
    public SettingsException(String message) {
        super(message);
    }
}
