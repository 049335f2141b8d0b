package dev.jmdm.server.policies;

import java.util.List;
import java.util.Map;

/**
 * One evaluation batch's transaction over three stores: the policies (when not given), the hosts'
 * facts, their stored results, and the batch's writes, so results are decided on one consistent
 * view and stored with it. The evaluator decides; this store reads and writes.
 */
final class EvaluationStore {
    /** Decides a batch: reads what it is handed and queues its writes, each with what it brings when it takes effect. */
    @FunctionalInterface
    interface Work<T> {
        void decide(List<StoredPolicy> policies, List<HostSnapshot> hosts, Map<Long, HostResults> stored, ResultStore.Batch<T> writes);
    }

    private final PolicyStore policies;
    private final ResultStore results;
    private final HostFactsReader reader;

    EvaluationStore(PolicyStore policies, ResultStore results, HostFactsReader reader) {
        this.policies = policies;
        this.results = results;
        this.reader = reader;
    }

    /**
     * Runs work on the hosts in one transaction, with the given policies or, when null, every current
     * one (read in the same transaction; empty, without reading the hosts, when there are none). Returns
     * the follow-ups of the writes that took effect. Stored entries of policies that no longer exist are left out
     * (and so dropped when the host's row is written).
     */
    <T> List<T> evaluate(List<Long> hostIds, List<StoredPolicy> given, Work<T> work) {
        return results.jdbi().inTransaction(h -> {
            List<StoredPolicy> list = given != null ? given : policies.all(h);
            if (list.isEmpty()) {
                return List.of();
            }
            java.util.Set<Integer> live = given != null ? PolicyCounts.liveIds(h) : new java.util.HashSet<>(list.stream().map(StoredPolicy::id).toList());
            HostFactsReader.Read read = reader.read(h, hostIds, live::contains);
            ResultStore.Batch<T> writes = results.batch();
            work.decide(list, read.hosts(), read.stored(), writes);
            return writes.flush(h);
        });
    }

    /** Up to limit host ids after cursor, in id order: the batches of a full evaluation. */
    List<Long> hostIdsAfter(long cursor, int limit) {
        return results.jdbi().withHandle(h -> h.createQuery("SELECT id FROM hosts WHERE id > :c ORDER BY id LIMIT :n")
                .bind("c", cursor).bind("n", limit).mapTo(Long.class).list());
    }
}
