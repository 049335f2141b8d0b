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
 * event when the result changes or a first result is not a pass ({@link ResultRow#isTransition}), and
 * the remediation decision. Remediations run after the
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
        remediate(store.evaluate(List.of(hostId), null, true, (all, hosts, stored, writes) -> evaluate(all, hosts, stored, writes, true)));
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
            remediate(store.evaluate(ids, list, reasons, (given, hostsRead, stored, writes) -> evaluate(given, hostsRead, stored, writes, reasons)));
            hosts += ids.size();
            after = ids.get(ids.size() - 1);
        }
    }

    private void evaluate(List<StoredPolicy> list, List<HostSnapshot> snapshots, Map<Long, Map<String, ResultRow>> existing,
            ResultStore.Batch<Pending> writes, boolean reasons) {
        long now = clock.millis();
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
                // A sweep (no reasons) tests first: an unchanged result costs no verdict, no reason, no write.
                if (!reasons && before != null && !ResultRow.RAN.equals(before.remediationState())
                        && doc.check().test(s.facts()).wire().equals(before.result())) {
                    continue;
                }
                Verdict v = doc.check().evaluate(s.facts());
                Pending[] remediation = new Pending[1];
                ResultRow after = decide(p, s.hostId(), before, v, now, remediation);
                if (after == null) {
                    continue;
                }
                List<Object[]> events = new ArrayList<>(1);
                if (ResultRow.isTransition(before, after)) {
                    Map<String, Object> detail = new LinkedHashMap<>();
                    detail.put("from", before == null ? null : before.result());
                    detail.put("to", after.result());
                    detail.put("reason", after.reason());
                    events.add(writes.eventRow("policy." + after.result(), s.hostId(), p.name(), detail));
                }
                if (RemediationState.ineffectiveNow(before, after)) {
                    events.add(writes.eventRow("remediation.ineffective", s.hostId(), p.name(),
                            Map.of("remediated_at", java.time.Instant.ofEpochMilli(after.remediatedAt()).toString(), "reason", after.reason())));
                }
                writes.write(before, after, events, remediation[0]);
            }
        }
    }

    /**
     * The row to store, or null when nothing changed. Puts the remediation into pending[0] when one is
     * due; it runs only if this row's write wins.
     */
    private ResultRow decide(StoredPolicy p, long hostId, ResultRow before, Verdict v, long now, Pending[] pending) {
        String result = v.result().wire();
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
                pending[0] = new Pending(p.name(), doc.remediation(), hostId);
                remediatedAt = now;
                state = ResultRow.RAN;
            } else if (!changed && ResultRow.RAN.equals(state) && cooled) {
                state = ResultRow.INEFFECTIVE;
            }
        }
        if (!changed && v.reason().equals(before.reason()) && java.util.Objects.equals(before.remediationState(), state)) {
            return null;
        }
        int seq = before == null ? 1 : changed ? before.seq() + 1 : before.seq();
        return new ResultRow(p.name(), hostId, result, changed ? now : before.since(), v.reason(), PolicyStore.write(v.facts()), now,
                remediatedAt, state, seq);
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
