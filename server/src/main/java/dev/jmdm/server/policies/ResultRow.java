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
    static final String INEFFECTIVE = "ineffective";
}
