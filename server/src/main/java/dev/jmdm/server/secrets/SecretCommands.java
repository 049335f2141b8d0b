package dev.jmdm.server.secrets;

import java.util.Set;

/**
 * The commands whose plist carries a secret (Apple's command schemas): DeviceLock and EraseDevice a PIN, ClearPasscode
 * the device's UnlockToken, SetRecoveryLock, SetFirmwarePassword and their Verify commands a password,
 * SetAutoAdminPassword and AccountConfiguration a password hash. The queue stores these sealed.
 */
public final class SecretCommands {
    public static final Set<String> TYPES = Set.of("DeviceLock", "EraseDevice", "ClearPasscode", "SetRecoveryLock",
            "VerifyRecoveryLock", "SetFirmwarePassword", "VerifyFirmwarePassword", "SetAutoAdminPassword", "AccountConfiguration");

    private SecretCommands() {
    }

    public static boolean carriesSecret(String requestType) {
        return TYPES.contains(requestType);
    }
}
