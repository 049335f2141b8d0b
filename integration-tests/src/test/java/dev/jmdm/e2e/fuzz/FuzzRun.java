package dev.jmdm.e2e.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The checks every fuzz input goes through, and what a run saw. An answer must not be a 5xx (bar the
 * documented 501 for check-ins not implemented yet); the server must log no ERROR and no stack trace
 * for it; and a refused input (4xx, 5xx) must change no stored row: none inserted, changed or
 * deleted in any table (a row it deletes and puts back as it was cancels out, and is counted). Inputs the server takes (2xx) may write (an accepted enqueue stores its command).
 *
 * <p>The last check reads {@link StoredState}'s write log after every input: one index lookup, so an
 * input costs the same late in a 100,000-input run as early, and a write is pinned to the input that
 * made it. Every {@value #CROSS_CHECK_EVERY} inputs and at the end of a part the full fingerprint of
 * every table is taken as well: a table whose fingerprint changed with no write logged for it is a
 * finding (the log missed a change), so the cheap check is proven against the thorough one as the
 * run goes. Findings are collected rather than thrown at once, so one run shows them all, each with
 * what it takes to replay it (seed, part, number, the input).
 */
public final class FuzzRun {
    /** Stop collecting after this many findings: a broken server would otherwise fill the report. */
    private static final int MAX_FINDINGS = 25;
    /** Inputs between two full fingerprints: at 25 ms a fingerprint, well under 1 % of a run. */
    static final int CROSS_CHECK_EVERY = 1_000;
    /** A long run says how far it got now and then (a 100,000-input run takes hours on a busy machine). */
    static final int PROGRESS_EVERY = 1_000;

    private final String part;
    private final long seed;
    private final StoredState state;
    private final Supplier<List<String>> logProblems;
    private final Supplier<String> stderr;
    private final List<String> findings = new ArrayList<>();
    private final Map<Integer, Integer> statuses = new TreeMap<>();
    private final long started = System.nanoTime();
    private long mark;
    private StoredState.Snapshot fingerprint;
    private long fingerprintMark;
    private int logProblemsSeen;
    private int stderrSeen;
    private int inputs;
    /** Refused inputs that wrote and then put back what they wrote: no change, counted for the summary. */
    private int undone;

    public FuzzRun(String part, long seed, StoredState state, Supplier<List<String>> logProblems, Supplier<String> stderr) {
        this.part = part;
        this.seed = seed;
        this.state = state;
        this.logProblems = logProblems;
        this.stderr = stderr;
        this.logProblemsSeen = logProblems.get().size();
        this.stderrSeen = stderr.get().length();
        this.mark = state.mark();
        crossCheck();
    }

    /** Something other than a fuzz input changed the data (setup, a healing request): its writes are no finding. */
    public void accepted() {
        mark = state.mark();
    }

    /**
     * Like {@link #accepted()}, for changes that start work in the background (profile reconciliation):
     * the new mark is taken once the server stops writing.
     */
    public void acceptedAndSettled() {
        long last = state.mark();
        for (int i = 0; i < 100; i++) {
            sleep(20);
            long now = state.mark();
            if (now == last) {
                break;
            }
            last = now;
        }
        mark = last;
    }

    /** Checks one input's answer. Returns whether the server took the input (2xx). */
    public boolean check(int n, String target, byte[] input, int status, String answer) {
        inputs++;
        statuses.merge(status, 1, Integer::sum);
        List<String> logs = logProblems.get();
        String err = stderr.get();
        String problem = null;
        // 501 is the documented answer to the check-ins the server does not implement yet (DeclarativeManagement,
        // GetToken): a deliberate refusal, not a fault.
        if (status >= 500 && status != 501) {
            problem = "answered " + status + ": " + clip(answer, 300);
        } else if (logs.size() > logProblemsSeen) {
            problem = "logged " + logs.subList(logProblemsSeen, logs.size());
        } else if (err.length() > stderrSeen && (err.substring(stderrSeen).contains("\tat ")
                || err.substring(stderrSeen).contains("Exception"))) {
            problem = "printed a stack trace: " + clip(err.substring(stderrSeen), 500);
        }
        logProblemsSeen = logs.size();
        stderrSeen = err.length();
        boolean taken = status >= 200 && status < 300;
        long now = state.mark();
        if (status >= 400 && now != mark && problem == null) {
            List<String> changed = state.changedSince(mark);
            if (changed.isEmpty()) {
                undone++; // wrote, and put everything back as it was
            } else {
                problem = "refused with " + status + " (" + clip(answer, 200) + ") but changed " + changed;
            }
        }
        mark = now;
        if (inputs % CROSS_CHECK_EVERY == 0 && problem == null) {
            problem = crossCheck();
        }
        if (inputs % PROGRESS_EVERY == 0) {
            System.out.println("so far: " + summary());
        }
        if (problem != null && findings.size() < MAX_FINDINGS) {
            findings.add(part + " input #" + n + " (seed " + seed + ") to " + target + " " + problem + "\n  input: " + show(input));
            // at once, not only when the part ends: a long run's findings are worth reading while it goes on
            System.out.println("finding: " + findings.get(findings.size() - 1));
        }
        return taken;
    }

    /**
     * Takes the full fingerprint and compares it with the last one: a table whose fingerprint changed while the
     * write log holds nothing for it since then means the log missed a change. Returns that problem, or null.
     */
    private String crossCheck() {
        StoredState.Snapshot now = state.take();
        long nowMark = state.mark();
        String problem = null;
        if (fingerprint != null) {
            List<String> written = state.writtenSince(fingerprintMark);
            List<String> unseen = now.changedSince(fingerprint).stream().filter(t -> !written.contains(t)).toList();
            if (!unseen.isEmpty()) {
                problem = "changed " + unseen + " without the write log seeing it (between the fingerprints around this input)";
            }
        }
        fingerprint = now;
        fingerprintMark = nowMark;
        return problem;
    }

    /** The end of a part: the last cross-check, its problem a finding. */
    public void end() {
        String problem = crossCheck();
        if (problem != null && findings.size() < MAX_FINDINGS) {
            findings.add(part + " after input #" + inputs + " (seed " + seed + ") " + problem);
        }
    }

    public List<String> findings() {
        return findings;
    }

    public int inputs() {
        return inputs;
    }

    /** One line for the build log and docs/benchmarks.md: inputs, time, rate, answers by status. */
    public String summary() {
        double seconds = (System.nanoTime() - started) / 1e9;
        return String.format("fuzz %s: %d inputs in %.1f s (%.0f inputs/s), answers %s, findings %d, refused but undone %d, fingerprint %.1f ms", part,
                inputs, seconds, inputs / Math.max(seconds, 1e-9), statuses, findings.size(), undone, state.averageMillis());
    }

    private static String show(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        boolean printable = text.chars().allMatch(c -> c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c != 0xFFFD));
        return printable ? clip(text, 1500) + " (" + input.length + " bytes)"
                : "base64 " + clip(Base64.getEncoder().encodeToString(input), 1500) + " (" + input.length + " bytes)";
    }

    private static String clip(String s, int max) {
        return s == null ? "" : s.length() <= max ? s : s.substring(0, max) + "…";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
