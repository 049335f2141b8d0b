package dev.jmdm.sim.cli;

/** A failure whose message is already the line to print (a refusal of the admin API, a file that does not fit). */
final class CliFailure extends RuntimeException {
    CliFailure(String message) {
        super(message);
    }
}
