package dev.jmdm.profiles;

import java.util.Objects;

/**
 * One host's state for one profile, as {@link HostProfileStateMachine} moves it.
 *
 * @param identifier  the PayloadIdentifier
 * @param operation   install or remove
 * @param status      where it stands
 * @param uuid        the PayloadUUID being installed (required for INSTALL); for REMOVE the one being
 *                    removed, or null when unknown
 * @param commandUuid the command sent for the current attempt, or null when none is queued
 * @param attempts    commands sent in this round (reset when a new version or a reinstall starts one)
 * @param detail      why the state is what it is (the device's ErrorChain text on failure), or null
 */
public record HostProfileState(
        String identifier, Operation operation, ProfileStatus status, String uuid, String commandUuid,
        int attempts, String detail) {

    public HostProfileState {
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(status, "status");
        if (operation == Operation.INSTALL && uuid == null) {
            throw new IllegalArgumentException("an install of " + identifier + " needs a PayloadUUID");
        }
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts cannot be negative");
        }
    }

    /** A new round: pending, nothing sent yet. */
    public static HostProfileState pending(String identifier, Operation operation, String uuid) {
        return new HostProfileState(identifier, operation, ProfileStatus.PENDING, uuid, null, 0, null);
    }
}
