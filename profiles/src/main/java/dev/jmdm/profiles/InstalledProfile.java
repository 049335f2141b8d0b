package dev.jmdm.profiles;

import java.util.Objects;

/**
 * One entry of a device's ProfileList answer.
 *
 * @param displayName the PayloadDisplayName, or null when the device sent none
 * @param managed     the device's IsManaged flag (false when absent: supervised devices leave it out)
 */
public record InstalledProfile(String identifier, String uuid, String displayName, boolean managed) {
    public InstalledProfile {
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(uuid, "uuid");
    }
}
