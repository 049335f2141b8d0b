package dev.jmdm.server.policies;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host's stored results (its row of host_policy_results): the entries of the current policies by policy id, and
 * the seq the row was read at, which its next write names.
 */
record HostResults(long hostId, int seq, Map<Integer, ResultRow> entries) {
    private static final Logger LOG = LoggerFactory.getLogger(HostResults.class);

    /**
     * The rows of hosts lo..hi (host id order), at most limit of them, with the entries of the policies known
     * accepts. A row that cannot be read is logged and read as no entries at its seq, so the host's next
     * evaluation replaces it rather than failing on it every time.
     */
    static List<HostResults> range(Handle h, long lo, long hi, int limit, IntPredicate known) {
        List<HostResults> out = new ArrayList<>();
        h.createQuery("SELECT host_id, results, seq FROM host_policy_results WHERE host_id >= :lo AND host_id <= :hi "
                        + "ORDER BY host_id LIMIT :n")
                .bind("lo", lo).bind("hi", hi).bind("n", limit)
                .map((rs, ctx) -> out.add(of(rs.getLong(1), rs.getBytes(2), rs.getInt(3), known))).list();
        return out;
    }

    static HostResults of(long hostId, byte[] bytes, int seq, IntPredicate known) {
        try {
            return new HostResults(hostId, seq, PackedResults.decode(bytes, known));
        } catch (PackedResults.CorruptException e) {
            LOG.warn("policies: the stored results of host {} cannot be read ({}); they are replaced at its next evaluation", hostId,
                    e.getMessage());
            return new HostResults(hostId, seq, Map.of());
        }
    }
}
