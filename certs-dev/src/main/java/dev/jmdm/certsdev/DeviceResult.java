package dev.jmdm.certsdev;

import java.util.List;

/** What {@link DevStack#issueDevice} left in the directory, the identity itself, and what happened to each file. */
public record DeviceResult(DeviceFiles files, Issued identity, List<FileOutcome> outcomes) {
    public DeviceResult {
        outcomes = List.copyOf(outcomes);
    }
}
