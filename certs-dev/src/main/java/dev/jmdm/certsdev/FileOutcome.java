package dev.jmdm.certsdev;

import java.nio.file.Path;

/** What a run did with one file, and what the file is for. */
public record FileOutcome(Path path, Outcome outcome, String description) {

    public enum Outcome {
        /** The file did not exist and was written. */
        CREATED,
        /** The file existed and was left exactly as it was. */
        KEPT,
        /** The file existed and was overwritten because the caller forced it. */
        REPLACED
    }
}
