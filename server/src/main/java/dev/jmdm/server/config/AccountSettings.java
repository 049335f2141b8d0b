package dev.jmdm.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Console accounts: sessions, passwords, sign-in lockout, and the first admin.
 *
 * @param sessionIdle       a session unused this long is over (MDM_SESSION_IDLE)
 * @param sessionMax        a session ends this long after sign-in, used or not (MDM_SESSION_MAX)
 * @param passwordMinLength shortest password accepted for a user (MDM_PASSWORD_MIN_LENGTH)
 * @param signInFailures    failed sign-ins for one email, or from one address (four times as many), before it is
 *                          locked out (MDM_SIGNIN_FAILURES)
 * @param signInLockout     how long a lockout lasts, doubled for each lockout in a row (MDM_SIGNIN_LOCKOUT)
 * @param adminEmail        the first admin, created at start when no user exists (MDM_ADMIN_EMAIL); null: none
 * @param adminPassword     its password (MDM_ADMIN_PASSWORD); never printed
 */
public record AccountSettings(Duration sessionIdle, Duration sessionMax, int passwordMinLength, int signInFailures,
        Duration signInLockout, String adminEmail, String adminPassword) {
    public static final Duration DEFAULT_SESSION_IDLE = Duration.ofHours(1);
    public static final Duration DEFAULT_SESSION_MAX = Duration.ofHours(12);
    /** NIST SP 800-63B asks for at least 8; the console guards a whole fleet. */
    public static final int DEFAULT_PASSWORD_MIN_LENGTH = 12;
    public static final int MIN_PASSWORD_MIN_LENGTH = 8;
    /** Longest password accepted: bounds the hashing work one request can ask for. */
    public static final int MAX_PASSWORD_LENGTH = 1024;
    public static final int DEFAULT_SIGNIN_FAILURES = 5;
    /** An office behind one address makes more honest mistakes than one user. */
    public static final int ADDRESS_FAILURES_FACTOR = 4;
    public static final Duration DEFAULT_SIGNIN_LOCKOUT = Duration.ofMinutes(5);
    /** The doubling stops here. */
    public static final Duration MAX_SIGNIN_LOCKOUT = Duration.ofHours(24);
    public static final AccountSettings DEFAULTS = new AccountSettings(DEFAULT_SESSION_IDLE, DEFAULT_SESSION_MAX,
            DEFAULT_PASSWORD_MIN_LENGTH, DEFAULT_SIGNIN_FAILURES, DEFAULT_SIGNIN_LOCKOUT, null, null);

    public AccountSettings {
        Objects.requireNonNull(sessionIdle, "sessionIdle");
        Objects.requireNonNull(sessionMax, "sessionMax");
        Objects.requireNonNull(signInLockout, "signInLockout");
        if (sessionIdle.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new SettingsException("MDM_SESSION_IDLE: '" + sessionIdle + "' is shorter than 1m");
        }
        if (sessionMax.compareTo(sessionIdle) < 0) {
            throw new SettingsException("MDM_SESSION_MAX: is shorter than MDM_SESSION_IDLE; a session could never idle out");
        }
        if (passwordMinLength < MIN_PASSWORD_MIN_LENGTH || passwordMinLength > 128) {
            throw new SettingsException("MDM_PASSWORD_MIN_LENGTH: " + passwordMinLength + " is not between " + MIN_PASSWORD_MIN_LENGTH + " and 128");
        }
        if (signInFailures < 1 || signInFailures > 1000) {
            throw new SettingsException("MDM_SIGNIN_FAILURES: " + signInFailures + " is not between 1 and 1000");
        }
        if (signInLockout.isNegative() || signInLockout.isZero() || signInLockout.compareTo(MAX_SIGNIN_LOCKOUT) > 0) {
            throw new SettingsException("MDM_SIGNIN_LOCKOUT: '" + signInLockout + "' is not between 1s and 24h");
        }
        adminEmail = adminEmail == null || adminEmail.isBlank() ? null : adminEmail.trim();
        adminPassword = adminPassword == null || adminPassword.isEmpty() ? null : adminPassword;
        if ((adminEmail == null) != (adminPassword == null)) {
            throw new SettingsException(adminEmail == null ? "MDM_ADMIN_PASSWORD: is set without MDM_ADMIN_EMAIL; give both or neither"
                    : "MDM_ADMIN_EMAIL: is set without MDM_ADMIN_PASSWORD; give both or neither");
        }
        if (adminEmail != null && !validEmail(adminEmail)) {
            throw new SettingsException("MDM_ADMIN_EMAIL: '" + adminEmail + "' is not an email address");
        }
        if (adminPassword != null && (adminPassword.length() < passwordMinLength || adminPassword.length() > MAX_PASSWORD_LENGTH)) {
            throw new SettingsException("MDM_ADMIN_PASSWORD: is shorter than MDM_PASSWORD_MIN_LENGTH (" + passwordMinLength
                    + " characters) or longer than " + MAX_PASSWORD_LENGTH);
        }
    }

    /** An address with one @, something on each side, no spaces, at most 254 characters (RFC 5321's path limit). */
    public static boolean validEmail(String email) {
        return email != null && email.length() <= 254 && email.matches("[^@\\s]+@[^@\\s]+");
    }

    public boolean hasFirstAdmin() {
        return adminEmail != null;
    }

    @Override
    public String toString() {
        return "AccountSettings[sessionIdle=" + sessionIdle + ", sessionMax=" + sessionMax + ", passwordMinLength=" + passwordMinLength
                + ", signInFailures=" + signInFailures + ", signInLockout=" + signInLockout + ", adminEmail=" + adminEmail
                + ", adminPassword=" + (adminPassword == null ? "null" : "***") + "]";
    }
}
