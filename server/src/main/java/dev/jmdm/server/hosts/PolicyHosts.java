package dev.jmdm.server.hosts;

import java.util.List;

/**
 * The hosts a policy has a result for (result null) or this result, in id order: the host list's policy filter,
 * answered by the policies feature, which owns how results are stored. Empty for a policy that does not exist.
 */
@FunctionalInterface
public interface PolicyHosts {
    List<Long> hostIds(String policy, String result);
}
