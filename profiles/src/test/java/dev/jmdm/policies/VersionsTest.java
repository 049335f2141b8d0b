package dev.jmdm.policies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VersionsTest {
    /** What the pattern says a reported version's numbers are; parse must agree on every input. */
    private static int[] byPattern(String s) {
        var m = Versions.LEADING.matcher(s);
        if (!m.find()) {
            return null;
        }
        String[] parts = m.group(1).split("\\.");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i]);
        }
        return out;
    }

    @Test
    void readsWhatDevicesAndAppsReport() {
        assertArrayEquals(new int[] {15, 2}, Versions.parse("15.2"));
        assertArrayEquals(new int[] {5, 2, 1}, Versions.parse("5.2.1 (1234)"));
        assertArrayEquals(new int[] {125, 0, 6422, 142}, Versions.parse("125.0.6422.142"));
        assertArrayEquals(new int[] {3, 1}, Versions.parse("  v3.1-beta"));
        assertArrayEquals(new int[] {15}, Versions.parse("15."));
        assertArrayEquals(new int[] {123456789}, Versions.parse("1234567890"));
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, Versions.parse("1.2.3.4.5.6.7.8.9"));
        assertNull(Versions.parse("beta"));
        assertNull(Versions.parse(""));
        assertNull(Versions.parse("V1"));
        assertNull(Versions.parse(".5"));
    }

    @Test
    void agreesWithThePatternOnRandomInput() {
        Random random = new Random(20261206);
        String alphabet = "0123456789012345678901234567890123456789....  \t\nvVx-()a";
        List<String> inputs = new ArrayList<>();
        for (int n = 0; n < 200_000; n++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(24);
            for (int i = 0; i < length; i++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            inputs.add(s.toString());
        }
        for (String s : inputs) {
            assertArrayEquals(byPattern(s), Versions.parse(s), () -> "input '" + s + "'");
        }
    }
}
