package dev.jmdm.policies;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A parsed, valid policy. {@code source} is the document as the admin wrote it (maps and lists), kept
 * so the API returns what was sent.
 */
public record PolicyDocument(String name, String description, List<String> platforms, Targets targets, Rule check,
        Remediation remediation, boolean remediationEnabled, Severity severity, Map<String, Object> source) {

    public enum Severity { LOW, MEDIUM, HIGH }

    /** Who the policy applies to, as profile targets: all or groups or hosts, minus the excluded (excludes win). */
    public record Targets(boolean all, List<String> groups, List<String> hosts, List<String> excludeGroups, List<String> excludeHosts) {
        public static final Targets ALL = new Targets(true, List.of(), List.of(), List.of(), List.of());
    }

    /** What the server does when a host turns failing: exactly one action, at most once per cooldown. */
    public record Remediation(String installProfile, Map<String, Object> command, boolean refetch, Duration cooldown) {
        public static final Duration DEFAULT_COOLDOWN = Duration.ofHours(1);

        public String kind() {
            return installProfile != null ? "install_profile" : command != null ? "command" : "refetch";
        }
    }

    /** Whether a host of this platform is in scope (no platforms: every platform). */
    public boolean appliesToPlatform(String platform) {
        return platforms.isEmpty() || platform != null && platforms.contains(platform);
    }
}
