package dev.jmdm.profiles;

import java.util.Objects;

/**
 * A profile a host reported through ProfileList.
 *
 * @param managedByServer whether this server installed the profile on this host (its own record of an
 *                        install that reached the device). Not the device's IsManaged flag, which also
 *                        describes profiles this server never sent.
 */
public record CurrentProfile(String identifier, String uuid, boolean managedByServer) {
    public CurrentProfile {
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(uuid, "uuid");
    }
}
