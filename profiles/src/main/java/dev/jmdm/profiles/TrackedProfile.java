package dev.jmdm.profiles;

import java.util.Objects;

/**
 * A profile the server manages on a host: where its install or removal stands, and which PayloadUUID
 * the device last showed it holds (from an acknowledged InstallProfile or a ProfileList); null when it
 * holds none, or nothing is known yet.
 */
public record TrackedProfile(HostProfileState state, String installedUuid) {
    public TrackedProfile {
        Objects.requireNonNull(state, "state");
    }

    public String identifier() {
        return state.identifier();
    }

    /** The command of the current attempt while it waits for an answer, else null. */
    public String waitingCommand() {
        return state.status() == ProfileStatus.PENDING ? state.commandUuid() : null;
    }
}
