package dev.jmdm.certsdev;

import java.util.List;

/** What {@link DevStack#init} left in the directory: the files, the push topic, and what happened to each file. */
public record InitResult(StackFiles files, String pushTopic, List<FileOutcome> outcomes) {
    public InitResult {
        outcomes = List.copyOf(outcomes);
    }
}
