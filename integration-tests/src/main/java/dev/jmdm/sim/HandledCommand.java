package dev.jmdm.sim;

/** A command a simulated channel received and the status it answered with (null when it dropped the answer). */
public record HandledCommand(String commandUuid, String requestType, String status) {
}
