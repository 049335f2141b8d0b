package dev.jmdm.policies;

import java.util.regex.Pattern;

/**
 * Dotted versions compared part by part as numbers: 15.10 is after 15.9, and 15 equals 15.0.
 * Apps report versions like "5.2.1 (1234)" or "125.0.6422.142"; the leading dotted numbers count.
 */
public final class Versions {
    /** What a policy may write as a version. */
    static final Pattern STRICT = Pattern.compile("\\d{1,9}(\\.\\d{1,9}){0,7}");
    private static final Pattern LEADING = Pattern.compile("^\\s*v?(\\d{1,9}(?:\\.\\d{1,9}){0,7})");

    private Versions() {
    }

    static boolean valid(String s) {
        return STRICT.matcher(s).matches();
    }

    /** The numeric parts of a reported version, or null when it does not start with one. */
    static int[] parse(String s) {
        var m = LEADING.matcher(s);
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

    /** Compares two parsed versions; missing parts count as 0. */
    static int compare(int[] a, int[] b) {
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            int x = i < a.length ? a[i] : 0;
            int y = i < b.length ? b[i] : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    /** Compares two version strings; throws when either is not a version. */
    public static int compare(String a, String b) {
        int[] x = parse(a);
        int[] y = parse(b);
        if (x == null || y == null) {
            throw new IllegalArgumentException("not a version: " + (x == null ? a : b));
        }
        return compare(x, y);
    }
}
