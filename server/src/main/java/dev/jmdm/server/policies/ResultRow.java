package dev.jmdm.server.policies;

/**
 * A host's stored result for one policy (an entry of its packed row, {@link PackedResults}): the result and since
 * when, the host's first result for the policy and when (the start of its history, which has no transition row),
 * and the remediation bookkeeping. Reasons and facts are not stored: they are computed when read.
 */
record ResultRow(int policyId, String result, long since, String firstResult, long firstAt, String remediationState, Long remediatedAt) {

    /** Remediation states: it ran and the host has not passed since; it ran and did not help (not repeated). */
    static final String RAN = "ran";
    static final String PASS = "pass";
    static final String FAIL = "fail";
    static final String UNKNOWN = "unknown";
    static final String INEFFECTIVE = "ineffective";

    /** A first result: it is its own start. */
    static ResultRow first(int policyId, String result, long at, String state, Long remediatedAt) {
        return new ResultRow(policyId, result, at, result, at, state, remediatedAt);
    }

    /** Whether the result never changed since the first one. */
    boolean unchangedSinceFirst() {
        return result.equals(firstResult) && since == firstAt;
    }
}
