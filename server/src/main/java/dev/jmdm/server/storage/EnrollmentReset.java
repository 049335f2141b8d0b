package dev.jmdm.server.storage;

import org.jdbi.v3.core.Handle;

/**
 * What a new enrollment of a known device must not inherit from the old one: the secrets the
 * device escrowed. A wiped or re-enrolled device makes a new UnlockToken and bootstrap token; the
 * old ones unlock nothing on it, and a ClearPasscode or GetBootstrapToken built from them would
 * hand out a stale secret. Queued commands are closed separately ({@link CommandStore#clearDevice}).
 * PINs stay: a Mac's wipe PIN is what unlocks it after the erase.
 */
final class EnrollmentReset {
    private EnrollmentReset() {
    }

    /** Clears the device's stored bootstrap token and UnlockToken inside the caller's transaction. */
    static void clearEscrowedSecrets(Handle h, String deviceId) {
        // Plain NULLs, so this works whatever form (sealed or not) the columns hold their values in.
        h.createUpdate("""
                UPDATE devices SET bootstrap_token = NULL, bootstrap_token_at = NULL, unlock_token = NULL, unlock_token_at = NULL
                WHERE id = :d""")
                .bind("d", deviceId).execute();
    }
}
