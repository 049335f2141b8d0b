package dev.jmdm.server.policies;

import java.util.List;
import java.util.Map;

/** The policy API's answers, written by the one answer mapper ({@link dev.jmdm.server.http.Json}): snake_case, nulls left out. */
public final class Views {
    private Views() {
    }

    public record Counts(int passing, int failing, int unknown) {
        static final Counts NONE = new Counts(0, 0, 0);

        int total() {
            return passing + failing + unknown;
        }

        /** Share of hosts passing, in percent with one decimal; null when there are none. */
        Double percentPassing() {
            return total() == 0 ? null : Math.round(passing * 1000.0 / total()) / 10.0;
        }
    }

    public record Evaluation(String status, int hosts, String startedAt, String finishedAt) {
    }

    public record Policy(String name, int version, String description, String severity, List<String> platforms, boolean remediationEnabled,
            String remediation, Map<String, Object> document, Counts counts, Evaluation evaluation, String createdAt, String updatedAt,
            List<PolicyVersion> versions) {
    }

    public record Policies(List<Policy> policies) {
    }

    public record Remediation(String state, String remediatedAt) {
    }

    public record HostResult(long hostId, String serialNumber, String deviceName, String policy, String result, String since, String reason,
            Map<String, Object> facts, String updatedAt, Remediation remediation, List<Transition> transitions) {
    }

    public record Results(List<HostResult> results, Counts counts, String nextCursor) {
    }

    public record PolicySummary(String policy, int passing, int failing, int unknown, Double percentPassing) {
        static PolicySummary of(String policy, Counts c) {
            return new PolicySummary(policy, c.passing(), c.failing(), c.unknown(), c.percentPassing());
        }
    }

    public record HistoryPoint(String hour, int passing, int failing, int unknown, Double percentPassing) {
    }

    public record Summary(PolicySummary overall, List<PolicySummary> policies, Map<String, List<HistoryPoint>> history) {
    }

    public record Event(long id, String kind, Long hostId, String policy, String at, Map<String, Object> detail) {
    }

    public record Events(List<Event> events, String nextCursor) {
    }

    public record Problem(String path, String message) {
    }

    public record Refusal(String error, List<Problem> problems) {
    }

    public record PolicyVersion(int version, String actor, String createdAt) {
    }

    /** A host's result changing; {@code from} is left out for the first result. */
    public record Transition(String from, String to, String reason, Map<String, Object> facts, String at) {
    }

    public record PolicyDeleted(String deleted) {
    }
}
