package dev.jmdm.server.policies;

import dev.jmdm.policies.PolicyDocument;

/** Carries out a policy's remediation on one host; returns a short note (a CommandUUID, a profile) for the event log. */
@FunctionalInterface
interface Remediator {
    String remediate(String policy, PolicyDocument.Remediation remediation, long hostId);
}
