package dev.jmdm.server.policies;

import dev.jmdm.policies.PolicyDocument;

/**
 * A policy as stored: its number (the key of its entries in hosts' packed results, kept across versions), its
 * current version, parsed, with resolved targets and its evaluation state.
 */
record StoredPolicy(int id, String name, int version, PolicyDocument document, Targets targets, String evaluation, int evaluationHosts,
        Long evaluationStartedAt, Long evaluationFinishedAt, long createdAt, long updatedAt) {

    /** Evaluation states shown in the API. */
    static final String QUEUED = "queued";
    static final String RUNNING = "running";
    static final String DONE = "done";
    static final String FAILED = "failed";
}
