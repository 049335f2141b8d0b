package dev.jmdm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Set;

/**
 * Follows a queued command through {@code GET /v1/commands/{uuid}} until every enrollment answered or the wait
 * ran out, drawing queued → delivered → answered on stderr: one redrawn bar on a terminal, a line per change
 * otherwise (CI logs).
 */
final class CommandProgress {
    static final Duration POLL_EVERY = Duration.ofMillis(500);
    static final Set<String> ANSWERED_OK = Set.of("Acknowledged");
    static final Set<String> FAILED = Set.of("Error", "CommandFormatError", "Canceled", "Cleared");
    private static final int BAR = 30;

    /** How many enrollments are in each stage. */
    record Counts(int total, int delivered, int acknowledged, int failed) {
        static Counts of(JsonNode command) {
            int total = 0;
            int delivered = 0;
            int ok = 0;
            int failed = 0;
            for (JsonNode e : command.path("enrollments")) {
                String s = e.path("status").asText();
                total++;
                if (!"Queued".equals(s)) {
                    delivered++;
                }
                if (ANSWERED_OK.contains(s)) {
                    ok++;
                } else if (FAILED.contains(s)) {
                    failed++;
                }
            }
            return new Counts(total, delivered, ok, failed);
        }

        int answered() {
            return acknowledged + failed;
        }

        int unanswered() {
            return total - answered();
        }

        boolean done() {
            return answered() == total;
        }
    }

    private final ApiClient api;
    private final String uuid;
    private final PrintWriter err;
    private final boolean terminal;

    CommandProgress(ApiClient api, String uuid, PrintWriter err, boolean terminal) {
        this.api = api;
        this.uuid = uuid;
        this.err = err;
        this.terminal = terminal;
    }

    /** The command as last read, when all answered or {@code wait} is over. */
    JsonNode follow(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        Counts shown = null;
        while (true) {
            JsonNode c = api.get("/v1/commands/" + ApiClient.segment(uuid));
            Counts now = Counts.of(c);
            if (!now.equals(shown)) {
                draw(now);
                shown = now;
            }
            if (now.done() || System.nanoTime() >= deadline) {
                if (terminal) {
                    err.println();
                }
                err.flush();
                return c;
            }
            try {
                Thread.sleep(Math.min(POLL_EVERY.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(0, "interrupted while waiting for " + uuid);
            }
        }
    }

    private void draw(Counts c) {
        String line = "queued " + c.total() + " → delivered " + c.delivered() + " → answered " + c.answered()
                + (c.failed() > 0 ? " (" + c.failed() + " failed)" : "");
        if (terminal) {
            int filled = c.total() == 0 ? BAR : BAR * c.answered() / c.total();
            err.print("\r[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + line + "   ");
        } else {
            err.println(line);
        }
        err.flush();
    }
}
