package dev.jmdm.profiles;

import java.util.Objects;

/** What {@link HostReconciler} asks of a host: install a profile version, or remove a profile. */
public sealed interface ProfileAction {
    String identifier();

    /** Send InstallProfile with the stored bytes of this PayloadUUID; a newer version replaces the old in place. */
    record Install(String identifier, String uuid) implements ProfileAction {
        public Install {
            Objects.requireNonNull(identifier, "identifier");
            Objects.requireNonNull(uuid, "uuid");
        }
    }

    /** Send RemoveProfile for this PayloadIdentifier. */
    record Remove(String identifier) implements ProfileAction {
        public Remove {
            Objects.requireNonNull(identifier, "identifier");
        }
    }
}
