package dev.jmdm.profiles;

import java.util.Objects;

/** A profile a host should have, from its assignments: the latest version's identifier and PayloadUUID. */
public record DesiredProfile(String identifier, String uuid, int version) {
    public DesiredProfile {
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(uuid, "uuid");
    }
}
