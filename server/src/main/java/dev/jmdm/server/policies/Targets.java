package dev.jmdm.server.policies;

import java.util.Set;

/** A policy's targets with host references resolved to host ids; excludes win. */
record Targets(boolean all, Set<String> groups, Set<Long> hosts, Set<String> excludeGroups, Set<Long> excludeHosts) {
    boolean includes(long hostId, Set<String> hostGroups) {
        if (excludeHosts.contains(hostId) || hostGroups.stream().anyMatch(excludeGroups::contains)) {
            return false;
        }
        return all || hosts.contains(hostId) || hostGroups.stream().anyMatch(groups::contains);
    }
}
