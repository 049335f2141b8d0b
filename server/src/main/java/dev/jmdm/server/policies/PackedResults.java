package dev.jmdm.server.policies;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The bytes of a host's packed results (host_policy_results.results): a format byte (1), then one entry per
 * policy. An entry is a flags byte, the policy id (4 bytes), since (6 bytes, epoch ms: to the year 10889), and
 * when the flags say so the first result's time and the remediation time (6 bytes each). Flags: bits 0-1 the
 * result, 2-3 the first result (0 pass, 1 fail, 2 unknown), 4-5 the remediation state (0 none, 1 ran, 2
 * ineffective), bit 6 a remediation time follows, bit 7 the first result's time follows (else it is since: the
 * result never changed). Most entries are 11 bytes: 50 policies make a row of about 550.
 */
final class PackedResults {
    static final byte FORMAT = 1;
    private static final String[] RESULTS = {ResultRow.PASS, ResultRow.FAIL, ResultRow.UNKNOWN};
    private static final String[] STATES = {null, ResultRow.RAN, ResultRow.INEFFECTIVE};
    private static final long MAX_TIME = (1L << 48) - 1;
    private static final int MIN_ENTRY = 11;

    /** Stored bytes that cannot be read: named with the host, so the log says which row to look at. */
    static final class CorruptException extends RuntimeException {
        CorruptException(String message) {
            super(message);
        }
    }

    private PackedResults() {
    }

    static byte[] encode(Collection<ResultRow> entries) {
        ByteBuffer b = ByteBuffer.allocate(1 + entries.size() * (MIN_ENTRY + 12));
        b.put(FORMAT);
        for (ResultRow r : entries) {
            boolean firstAt = !(r.firstAt() == r.since() && r.firstResult().equals(r.result()));
            int flags = code(RESULTS, r.result()) | code(RESULTS, r.firstResult()) << 2 | code(STATES, r.remediationState()) << 4
                    | (r.remediatedAt() != null ? 1 << 6 : 0) | (firstAt ? 1 << 7 : 0);
            b.put((byte) flags).putInt(r.policyId());
            time(b, r.since());
            if (firstAt) {
                time(b, r.firstAt());
            }
            if (r.remediatedAt() != null) {
                time(b, r.remediatedAt());
            }
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /**
     * The entries of the policies known accepts, by policy id in stored order; the others (deleted policies) are
     * skipped. Throws {@link CorruptException} when the bytes are not a whole row of this format.
     */
    static Map<Integer, ResultRow> decode(byte[] bytes, IntPredicate known) {
        if (bytes.length == 0 || bytes[0] != FORMAT) {
            throw new CorruptException("packed results of format " + (bytes.length == 0 ? "(empty)" : bytes[0]) + ", not " + FORMAT);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.get();
        // Sized for the entries the bytes can hold (11 bytes at least each): no rehashing while filling.
        Map<Integer, ResultRow> out = new LinkedHashMap<>(bytes.length / 8 + 2);
        while (b.hasRemaining()) {
            int at = b.position();
            if (b.remaining() < MIN_ENTRY) {
                throw new CorruptException("packed results cut short at byte " + at + " of " + bytes.length);
            }
            int flags = b.get() & 0xff;
            int id = b.getInt();
            long since = time(b);
            boolean firstAt = (flags & 1 << 7) != 0;
            boolean remediated = (flags & 1 << 6) != 0;
            if (b.remaining() < (firstAt ? 6 : 0) + (remediated ? 6 : 0)) {
                throw new CorruptException("packed results cut short at byte " + at + " of " + bytes.length);
            }
            long first = firstAt ? time(b) : since;
            Long remediatedAt = remediated ? time(b) : null;
            String result = name(RESULTS, flags & 3, at);
            String firstResult = name(RESULTS, flags >> 2 & 3, at);
            String state = (flags >> 4 & 3) == 0 ? null : name(STATES, flags >> 4 & 3, at);
            if (known.test(id)) {
                out.put(id, new ResultRow(id, result, since, firstResult, first, state, remediatedAt));
            }
        }
        return out;
    }

    private static int code(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (java.util.Objects.equals(names[i], name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("not storable: " + name);
    }

    private static String name(String[] names, int code, int at) {
        if (code >= names.length) {
            throw new CorruptException("packed results: unknown code " + code + " in the entry at byte " + at);
        }
        return names[code];
    }

    private static void time(ByteBuffer b, long millis) {
        if (millis < 0 || millis > MAX_TIME) {
            throw new IllegalArgumentException("time out of range: " + millis);
        }
        b.putShort((short) (millis >>> 32)).putInt((int) millis);
    }

    private static long time(ByteBuffer b) {
        return (b.getShort() & 0xffffL) << 32 | b.getInt() & 0xffffffffL;
    }
}
