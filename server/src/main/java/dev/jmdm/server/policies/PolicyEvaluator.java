package dev.jmdm.server.policies;

import dev.jmdm.policies.PolicyDocument;
import dev.jmdm.policies.Result;
import dev.jmdm.policies.Verdict;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates policies for hosts and stores what changed: a host's packed results ({@link PackedResults}), a
 * transition when a result changes, events, and the remediation decision. Remediations run after the transaction
 * commits, so a slow push never holds the rows. A host's first result for a policy is stored in its entry only
 * (first result and time), not as a transition row: a first evaluation of a new policy writes one row per host.
 *
 * <p>Events: evaluating one host (its inventory or profile status changed) writes an event per change and per first
 * result that is not a pass; the periodic sweep one per change; a policy-wide evaluation (a policy created or
 * edited) one {@code policy.evaluated} event with the counts instead of one per host, which would flood integrations.
 *
 * <p>Remediation runs when a host turns failing (its first result included), at most once per cooldown, and not
 * again until the host has passed: if the host still fails once the cooldown is over, that is reported once
 * ({@code remediation.ineffective}) instead of repeating an action that did not help.
 */
final class PolicyEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyEvaluator.class);
    static final int BATCH = 1000;

    private final EvaluationStore store;
    private final ResultStore results;
    private final Remediator remediator;
    private final Clock clock;

    PolicyEvaluator(PolicyStore policies, ResultStore results, HostFactsReader reader, Remediator remediator, Clock clock) {
        this.store = new EvaluationStore(policies, results, reader);
        this.results = results;
        this.remediator = remediator;
        this.clock = clock;
    }

    private record Pending(String policy, PolicyDocument.Remediation remediation, long hostId) {
    }

    /**
     * Which events an evaluation writes per host: one host's evaluation, all of them; the sweep, those of changes
     * (its first results are those a policy-wide evaluation would have made); a policy-wide evaluation, only the
     * remediation ones (its counts go into one policy.evaluated event).
     */
    private enum Events {
        PER_HOST, CHANGES, SUMMARY
    }

    /** Re-evaluates every policy for one host (its inventory or profile status changed). */
    void evaluateHost(long hostId) {
        remediate(store.evaluate(List.of(hostId), null, (all, hosts, stored, writes) -> evaluate(all, hosts, stored, writes, Events.PER_HOST, null)));
    }

    /**
     * Evaluates one (new or edited) policy for every host and writes one {@code policy.evaluated} event with its
     * counts; returns how many hosts it covered.
     */
    int evaluatePolicy(StoredPolicy policy) {
        int[] counts = new int[4];
        int hosts = evaluateAll(List.of(policy), Events.SUMMARY, counts);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("version", policy.version());
        detail.put("hosts", hosts);
        detail.put("passing", counts[0]);
        detail.put("failing", counts[1]);
        detail.put("unknown", counts[2]);
        detail.put("changed", counts[3]);
        results.event("policy.evaluated", null, policy.name(), detail);
        return hosts;
    }

    /**
     * Evaluates the policies for every host, reading each batch of hosts once (the periodic sweep: an event per
     * change); returns how many hosts it covered. A result that did not change costs one test of the rule and no write.
     */
    int evaluateAll(List<StoredPolicy> list) {
        return evaluateAll(list, Events.CHANGES, null);
    }

    /** counts, when given, gets the policies' results after evaluation (passing, failing, unknown) and the changes. */
    private int evaluateAll(List<StoredPolicy> list, Events events, int[] counts) {
        int hosts = 0;
        long after = 0;
        while (true) {
            long cursor = after;
            List<Long> ids = store.hostIdsAfter(cursor, BATCH);
            if (ids.isEmpty()) {
                break;
            }
            remediate(store.evaluate(ids, list, (given, hostsRead, stored, writes) -> evaluate(given, hostsRead, stored, writes, events, counts)));
            hosts += ids.size();
            after = ids.get(ids.size() - 1);
        }
        // Deltas kept the counts; a recount after every pass over all hosts makes sure they stay exact.
        PolicyCounts.recount(results.jdbi());
        return hosts;
    }

    private void evaluate(List<StoredPolicy> list, List<HostSnapshot> snapshots, Map<Long, HostResults> existing,
            ResultStore.Batch<Pending> writes, Events events, int[] counts) {
        long now = clock.millis();
        for (HostSnapshot s : snapshots) {
            HostResults stored = existing.get(s.hostId());
            Map<Integer, ResultRow> before = stored == null ? Map.of() : stored.entries();
            Map<Integer, ResultRow> after = new LinkedHashMap<>(before);
            List<Object[]> transitions = new ArrayList<>(0);
            List<Object[]> hostEvents = new ArrayList<>(0);
            List<Pending> followUps = new ArrayList<>(0);
            boolean changed = false;
            for (StoredPolicy p : list) {
                PolicyDocument doc = p.document();
                ResultRow old = before.get(p.id());
                if (!doc.appliesToPlatform(s.platform()) || !p.targets().includes(s.hostId(), s.groups())) {
                    if (old != null) {
                        after.remove(p.id());
                        changed = true;
                    }
                    continue;
                }
                Pending[] remediation = new Pending[1];
                ResultRow now1 = decide(p, s.hostId(), old, doc.check().test(s.facts()), now, remediation);
                if (now1 == null) {
                    count(counts, old, false);
                    continue;
                }
                changed = true;
                after.put(p.id(), now1);
                boolean resultChanged = old == null || !old.result().equals(now1.result());
                count(counts, now1, resultChanged);
                if (remediation[0] != null) {
                    followUps.add(remediation[0]);
                }
                boolean transition = old != null && resultChanged;
                boolean firstEvent = old == null && !ResultRow.PASS.equals(now1.result()) && events == Events.PER_HOST;
                boolean ineffective = ResultRow.INEFFECTIVE.equals(now1.remediationState())
                        && (old == null || !ResultRow.INEFFECTIVE.equals(old.remediationState()));
                if (!transition && !firstEvent && !ineffective) {
                    continue;
                }
                // Only what is stored or sent needs the reason: a full verdict for changes, not for every result.
                Verdict v = doc.check().evaluate(s.facts());
                if (transition) {
                    transitions.add(writes.transition(p.name(), s.hostId(), old.result(), now1.result(), v.reason(), v.facts(), now));
                }
                if ((transition && events != Events.SUMMARY) || firstEvent) {
                    Map<String, Object> detail = new LinkedHashMap<>();
                    detail.put("from", old == null ? null : old.result());
                    detail.put("to", now1.result());
                    detail.put("reason", v.reason());
                    hostEvents.add(writes.eventRow("policy." + now1.result(), s.hostId(), p.name(), detail));
                }
                if (ineffective) {
                    hostEvents.add(writes.eventRow("remediation.ineffective", s.hostId(), p.name(),
                            Map.of("remediated_at", java.time.Instant.ofEpochMilli(now1.remediatedAt()).toString(), "reason", v.reason())));
                }
            }
            if (changed) {
                writes.write(s.hostId(), stored == null ? null : stored.seq(), before.values(), after.values(), transitions, hostEvents, followUps);
            }
        }
    }

    private static void count(int[] counts, ResultRow r, boolean changed) {
        if (counts != null && r != null) {
            counts[PolicyCounts.index(r.result())]++;
            if (changed) {
                counts[3]++;
            }
        }
    }

    /**
     * The entry to store, or null when nothing changed. Puts the remediation into pending[0] when one is due; it
     * runs only if this host's write wins.
     */
    private ResultRow decide(StoredPolicy p, long hostId, ResultRow before, Result verdict, long now, Pending[] pending) {
        String result = verdict.wire();
        boolean changed = before == null || !before.result().equals(result);
        Long remediatedAt = before == null ? null : before.remediatedAt();
        String state = before == null ? null : before.remediationState();
        PolicyDocument doc = p.document();
        if (verdict == Result.PASS) {
            state = null;
        } else if (verdict == Result.FAIL && doc.remediation() != null && doc.remediationEnabled()) {
            long cooldown = doc.remediation().cooldown().toMillis();
            boolean cooled = remediatedAt == null || now - remediatedAt >= cooldown;
            if (changed && state == null && cooled) {
                pending[0] = new Pending(p.name(), doc.remediation(), hostId);
                remediatedAt = now;
                state = ResultRow.RAN;
            } else if (!changed && ResultRow.RAN.equals(state) && cooled) {
                state = ResultRow.INEFFECTIVE;
            }
        }
        if (!changed && java.util.Objects.equals(before.remediationState(), state)) {
            return null;
        }
        if (before == null) {
            return ResultRow.first(p.id(), result, now, state, remediatedAt);
        }
        return new ResultRow(p.id(), result, changed ? now : before.since(), before.firstResult(), before.firstAt(), state, remediatedAt);
    }

    private void remediate(List<Pending> pending) {
        for (Pending r : pending) {
            try {
                String note = remediator.remediate(r.policy(), r.remediation(), r.hostId());
                LOG.info("policy {}: remediation {} for host {}: {}", r.policy(), r.remediation().kind(), r.hostId(), note);
                results.event("remediation.run", r.hostId(), r.policy(), Map.of("action", r.remediation().kind(), "note", note));
            } catch (RuntimeException e) {
                LOG.warn("policy {}: remediation {} for host {} failed: {}", r.policy(), r.remediation().kind(), r.hostId(), e.getMessage());
                results.event("remediation.failed", r.hostId(), r.policy(), Map.of("action", r.remediation().kind(),
                        "error", String.valueOf(e.getMessage())));
            }
        }
    }
}
