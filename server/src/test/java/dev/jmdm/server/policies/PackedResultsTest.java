package dev.jmdm.server.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The packed results' bytes: what is written reads back, deleted policies are skipped, bad bytes are a clear error. */
class PackedResultsTest {
    private static final String[] RESULTS = {"pass", "fail", "unknown"};
    private static final String[] STATES = {null, "ran", "ineffective"};

    private static List<ResultRow> random(Random r, int n) {
        List<ResultRow> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long since = 1_700_000_000_000L + r.nextInt(1_000_000_000);
            boolean changed = r.nextBoolean();
            out.add(new ResultRow(i * 7 + 1, RESULTS[r.nextInt(3)], since, RESULTS[r.nextInt(3)],
                    changed ? since - r.nextInt(1_000_000) : since, STATES[r.nextInt(3)], r.nextBoolean() ? since - 5 : null));
        }
        return out;
    }

    @Test
    void entriesReadBackAsWrittenInOrder() {
        Random r = new Random(16);
        for (int round = 0; round < 200; round++) {
            List<ResultRow> entries = random(r, r.nextInt(60));
            Map<Integer, ResultRow> read = PackedResults.decode(PackedResults.encode(entries), id -> true);
            assertThat(new ArrayList<>(read.values())).isEqualTo(entries);
        }
    }

    @Test
    void aResultThatNeverChangedTakesElevenBytes() {
        byte[] bytes = PackedResults.encode(List.of(ResultRow.first(7, "fail", 1_765_000_000_000L, null, null)));
        assertThat(bytes).hasSize(1 + 11);
        assertThat(PackedResults.encode(random(new Random(1), 50)).length).isLessThan(1 + 50 * 23 + 1);
    }

    @Test
    void entriesOfUnknownPoliciesAreSkipped() {
        List<ResultRow> entries = List.of(ResultRow.first(1, "pass", 1000, null, null), ResultRow.first(2, "fail", 2000, "ran", 2000L),
                ResultRow.first(3, "unknown", 3000, null, null));
        assertThat(PackedResults.decode(PackedResults.encode(entries), id -> id != 2).keySet()).containsExactly(1, 3);
    }

    @Test
    void cutOrForeignBytesAreAClearErrorNotAnotherException() {
        List<ResultRow> entries = random(new Random(3), 5);
        byte[] whole = PackedResults.encode(entries);
        java.util.Set<Integer> boundaries = new java.util.HashSet<>();
        for (int k = 0; k <= entries.size(); k++) {
            boundaries.add(PackedResults.encode(entries.subList(0, k)).length);
        }
        for (int n = 0; n < whole.length; n++) {
            byte[] cut = Arrays.copyOf(whole, n);
            if (boundaries.contains(n)) {
                assertThat(PackedResults.decode(cut, id -> true)).hasSizeLessThan(entries.size()); // whole entries: a shorter row
                continue;
            }
            assertThatThrownBy(() -> PackedResults.decode(cut, id -> true)).isInstanceOf(PackedResults.CorruptException.class);
        }
        byte[] foreign = whole.clone();
        foreign[0] = 9;
        assertThatThrownBy(() -> PackedResults.decode(foreign, id -> true)).isInstanceOf(PackedResults.CorruptException.class)
                .hasMessageContaining("format 9");
        byte[] badCode = PackedResults.encode(List.of(ResultRow.first(1, "pass", 1000, null, null)));
        badCode[1] = 3; // result code 3 does not exist
        assertThatThrownBy(() -> PackedResults.decode(badCode, id -> true)).isInstanceOf(PackedResults.CorruptException.class);
        // Random bytes never escape as anything but a CorruptException.
        Random r = new Random(5);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[r.nextInt(40)];
            r.nextBytes(junk);
            if (junk.length > 0) {
                junk[0] = PackedResults.FORMAT;
            }
            try {
                PackedResults.decode(junk, id -> true);
            } catch (PackedResults.CorruptException expected) {
                // fine
            }
        }
    }
}
