package dev.jmdm.server.policies;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/** The policy API's answers, serialised by Jackson in snake_case (null fields left out). */
final class Views {
    private Views() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Counts(int passing, int failing, int unknown) {
        static final Counts NONE = new Counts(0, 0, 0);

        int total() {
            return passing + failing + unknown;
        }

        /** Share of hosts passing, in percent with one decimal; null when there are none. */
        Double percentPassing() {
            return total() == 0 ? null : Math.round(passing * 1000.0 / total()) / 10.0;
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Evaluation(String status, int hosts, String startedAt, String finishedAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Policy(String name, int version, String description, String severity, List<String> platforms, boolean remediationEnabled,
            String remediation, Map<String, Object> document, Counts counts, Evaluation evaluation, String createdAt, String updatedAt,
            List<Map<String, Object>> versions) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Policies(List<Policy> policies) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Remediation(String state, String remediatedAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record HostResult(long hostId, String serialNumber, String deviceName, String policy, String result, String since, String reason,
            Map<String, Object> facts, String updatedAt, Remediation remediation, List<Map<String, Object>> transitions) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Results(List<HostResult> results, Counts counts, String nextCursor) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record PolicySummary(String policy, int passing, int failing, int unknown, Double percentPassing) {
        static PolicySummary of(String policy, Counts c) {
            return new PolicySummary(policy, c.passing(), c.failing(), c.unknown(), c.percentPassing());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record HistoryPoint(String hour, int passing, int failing, int unknown, Double percentPassing) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Summary(PolicySummary overall, List<PolicySummary> policies, Map<String, List<HistoryPoint>> history) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Event(long id, String kind, Long hostId, String policy, String at, Map<String, Object> detail) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Events(List<Event> events, String nextCursor) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Problem(String path, String message) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Refusal(String error, List<Problem> problems) {
    }
}
