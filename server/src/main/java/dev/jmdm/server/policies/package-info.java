/**
 * Compliance policies in the server (issue #16): storage of policies and per-host results, evaluation on
 * inventory changes and policy edits, remediation, reports and the event log. The rule language itself
 * is {@code dev.jmdm.policies} in the profiles module.
 */
package dev.jmdm.server.policies;
