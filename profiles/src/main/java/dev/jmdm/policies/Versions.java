package dev.jmdm.policies;

import java.util.regex.Pattern;

/**
 * Dotted versions compared part by part as numbers: 15.10 is after 15.9, and 15 equals 15.0.
 * Apps report versions like "5.2.1 (1234)" or "125.0.6422.142"; the leading dotted numbers count.
 */
public final class Versions {
    /** What a policy may write as a version. */
    static final Pattern STRICT = Pattern.compile("\\d{1,9}(\\.\\d{1,9}){0,7}");
    /** The definition of a reported version's leading numbers; {@link #parse} scans the same by hand. */
    static final Pattern LEADING = Pattern.compile("^\\s*v?(\\d{1,9}(?:\\.\\d{1,9}){0,7})");

    private Versions() {
    }

    static boolean valid(String s) {
        return STRICT.matcher(s).matches();
    }

    /**
     * The numeric parts of a reported version, or null when it does not start with one: optional white space, an
     * optional "v", then up to eight dot-separated groups of up to nine digits (what {@link #LEADING} matches).
     * Scanned by hand, not with the pattern: a full evaluation parses a version per host and rule, and the matcher
     * was the largest part of the rule language's own time.
     */
    static int[] parse(String s) {
        int n = s.length();
        int i = 0;
        while (i < n && isSpace(s.charAt(i))) {
            i++;
        }
        if (i < n && s.charAt(i) == 'v') {
            i++;
        }
        int[] parts = new int[MAX_PARTS];
        int count = 0;
        while (count < MAX_PARTS) {
            int start = i;
            int value = 0;
            while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == start) {
                return null;
            }
            parts[count++] = value;
            if (i + 1 < n && s.charAt(i) == '.' && isDigit(s.charAt(i + 1))) {
                i++;
            } else {
                break;
            }
        }
        return java.util.Arrays.copyOf(parts, count);
    }

    private static final int MAX_PARTS = 8;

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
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
