package dev.jmdm.server.policies;

/**
 * A host's stored result for one policy, with its remediation bookkeeping. {@code seq} counts the
 * result's changes: a write names the seq it read, so of two servers deciding the same change, one
 * stores it.
 */
record ResultRow(String policy, long hostId, String result, long since, String reason, String facts, long evaluatedAt,
        Long remediatedAt, String remediationState, int seq) {

    /** Remediation states: it ran and the host has not passed since; it ran and did not help (not repeated). */
    static final String RAN = "ran";
    static final String PASS = "pass";
    static final String INEFFECTIVE = "ineffective";

    /**
     * Whether storing after (decided on before, null if the host had no result) is a transition, stored with
     * an event: a changed result, or a first result that is not {@code pass}. A host that passes from the
     * start has not changed compliance; its row says since when it passes. A full evaluation of a new policy
     * over a compliant fleet then writes one row per host, not three.
     */
    static boolean isTransition(ResultRow before, ResultRow after) {
        return before == null ? !PASS.equals(after.result()) : !before.result().equals(after.result());
    }
}
