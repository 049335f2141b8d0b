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
 * Evaluates policies for hosts and stores what changed: a host's result row, a transition and an
 * event when the result changes, and the remediation decision. Remediations run after the
 * transaction commits, so a slow push never holds the rows.
 *
 * <p>Remediation runs when a host turns failing, at most once per cooldown, and not again until the
 * host has passed: if the host still fails once the cooldown is over, that is reported once
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

    /** Re-evaluates every policy for one host (its inventory or profile status changed). */
    void evaluateHost(long hostId) {
        store.evaluate(List.of(hostId), null, (all, hosts, stored, writes) -> evaluate(all, hosts, stored, writes, true))
                .ifPresent(this::remediate);
    }

    /** Evaluates one (new or edited) policy for every host, reasons included; returns how many hosts it covered. */
    int evaluatePolicy(StoredPolicy policy) {
        return evaluateAll(List.of(policy), true);
    }

    /**
     * Evaluates the policies for every host, reading each batch of hosts once; returns how many hosts it
     * covered. With reasons false, a host whose result did not change keeps its stored reason (a sweep
     * after time passed: only changed results cost a full verdict).
     */
    int evaluateAll(List<StoredPolicy> list, boolean reasons) {
        int hosts = 0;
        long after = 0;
        while (true) {
            long cursor = after;
            List<Long> ids = store.hostIdsAfter(cursor, BATCH);
            if (ids.isEmpty()) {
                return hosts;
            }
            store.evaluate(ids, list, (given, hostsRead, stored, writes) -> evaluate(given, hostsRead, stored, writes, reasons))
                    .ifPresent(this::remediate);
            hosts += ids.size();
            after = ids.get(ids.size() - 1);
        }
    }

    private List<Pending> evaluate(List<StoredPolicy> list, List<HostSnapshot> snapshots, Map<Long, Map<String, ResultRow>> existing,
            ResultStore.Batch writes, boolean reasons) {
        long now = clock.millis();
        List<Pending> pending = new ArrayList<>();
        for (HostSnapshot s : snapshots) {
            Map<String, ResultRow> old = existing.getOrDefault(s.hostId(), Map.of());
            for (StoredPolicy p : list) {
                PolicyDocument doc = p.document();
                ResultRow before = old.get(p.name());
                if (!doc.appliesToPlatform(s.platform()) || !p.targets().includes(s.hostId(), s.groups())) {
                    if (before != null) {
                        writes.delete(p.name(), s.hostId());
                    }
                    continue;
                }
                if (!reasons && before != null && !ResultRow.RAN.equals(before.remediationState())
                        && doc.check().test(s.facts()).wire().equals(before.result())) {
                    continue;
                }
                Verdict v = doc.check().evaluate(s.facts());
                ResultRow after = decide(p, s.hostId(), before, v, now, pending);
                if (after == null) {
                    continue;
                }
                writes.upsert(after);
                if (before == null || !before.result().equals(after.result())) {
                    writes.transition(p.name(), s.hostId(), before == null ? null : before.result(), after);
                    Map<String, Object> detail = new LinkedHashMap<>();
                    detail.put("from", before == null ? null : before.result());
                    detail.put("to", after.result());
                    detail.put("reason", after.reason());
                    writes.event("policy." + after.result(), s.hostId(), p.name(), detail);
                }
                if (RemediationState.ineffectiveNow(before, after)) {
                    writes.event("remediation.ineffective", s.hostId(), p.name(),
                            Map.of("remediated_at", java.time.Instant.ofEpochMilli(after.remediatedAt()).toString(), "reason", after.reason()));
                }
            }
        }
        return pending;
    }

    /** The row to store, or null when nothing changed. Adds a remediation to pending when one is due. */
    private ResultRow decide(StoredPolicy p, long hostId, ResultRow before, Verdict v, long now, List<Pending> pending) {
        String result = v.result().wire();
        String facts = PolicyStore.write(v.facts());
        boolean changed = before == null || !before.result().equals(result);
        Long remediatedAt = before == null ? null : before.remediatedAt();
        String state = before == null ? null : before.remediationState();
        PolicyDocument doc = p.document();
        if (v.result() == Result.PASS) {
            state = null;
        } else if (v.result() == Result.FAIL && doc.remediation() != null && doc.remediationEnabled()) {
            long cooldown = doc.remediation().cooldown().toMillis();
            boolean cooled = remediatedAt == null || now - remediatedAt >= cooldown;
            if (changed && state == null && cooled) {
                pending.add(new Pending(p.name(), doc.remediation(), hostId));
                remediatedAt = now;
                state = ResultRow.RAN;
            } else if (!changed && ResultRow.RAN.equals(state) && cooled) {
                state = ResultRow.INEFFECTIVE;
            }
        }
        if (!changed && before.reason().equals(v.reason()) && java.util.Objects.equals(before.remediationState(), state)) {
            return null;
        }
        return new ResultRow(p.name(), hostId, result, changed ? now : before.since(), v.reason(), facts, now, remediatedAt, state);
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

    /** When a stored row says a remediation just turned out not to help. */
    static final class RemediationState {
        private RemediationState() {
        }

        static boolean ineffectiveNow(ResultRow before, ResultRow after) {
            return ResultRow.INEFFECTIVE.equals(after.remediationState())
                    && (before == null || !ResultRow.INEFFECTIVE.equals(before.remediationState()));
        }
    }
}
