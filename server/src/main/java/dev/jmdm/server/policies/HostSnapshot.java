package dev.jmdm.server.policies;

import dev.jmdm.policies.Facts;
import java.util.Set;

/** One host as policies see it: what decides whether a policy targets it, and its facts. */
record HostSnapshot(long hostId, String platform, Set<String> groups, Facts facts) {
}
