package dev.jmdm.policies;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Regular expressions a policy may use without letting one host's facts stall evaluation. Java's
 * backtracking matcher can take exponential time on patterns such as (a+)+ or (a|aa)*, so such shapes
 * are refused when the policy is saved: no backreferences or lookaround, and no repeated group that
 * itself contains a repetition or an alternation. As a second guard a match reads the input through a
 * budget of character reads; running out gives UNKNOWN rather than a stuck thread.
 */
public final class BoundedRegex {
    static final int MAX_PATTERN = 256;
    static final int MAX_INPUT = 4096;
    static final int READ_BUDGET = 200_000;

    private final Pattern pattern;

    private BoundedRegex(Pattern pattern) {
        this.pattern = pattern;
    }

    /** Thrown when a match used up its budget. */
    static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super("regular expression budget exceeded", null, false, false);
        }
    }

    /** The compiled pattern, or why it is refused. */
    static Optional<String> problem(String regex) {
        if (regex.length() > MAX_PATTERN) {
            return Optional.of("a regular expression of at most " + MAX_PATTERN + " characters");
        }
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return Optional.of("not a regular expression: " + e.getDescription());
        }
        return shapeProblem(regex);
    }

    static BoundedRegex compile(String regex) {
        return new BoundedRegex(Pattern.compile(regex));
    }

    /** Whether the pattern is found in the value (find, not a full match; anchor with ^ and $). */
    boolean find(String value) {
        String input = value.length() > MAX_INPUT ? value.substring(0, MAX_INPUT) : value;
        return pattern.matcher(new Budgeted(input)).find();
    }

    @Override
    public String toString() {
        return pattern.pattern();
    }

    private static Optional<String> shapeProblem(String re) {
        // Per open group: whether it holds a repetition or an alternation.
        Deque<boolean[]> groups = new ArrayDeque<>();
        groups.push(new boolean[1]);
        for (int i = 0; i < re.length(); i++) {
            char c = re.charAt(i);
            if (c == '\\') {
                if (i + 1 < re.length() && (Character.isDigit(re.charAt(i + 1)) && re.charAt(i + 1) != '0' || re.charAt(i + 1) == 'k')) {
                    return Optional.of("backreferences are not allowed (they can make matching run away)");
                }
                i++;
            } else if (c == '[') {
                i = endOfClass(re, i);
            } else if (c == '(') {
                if (re.startsWith("(?=", i) || re.startsWith("(?!", i) || re.startsWith("(?<=", i) || re.startsWith("(?<!", i)) {
                    return Optional.of("lookahead and lookbehind are not allowed");
                }
                groups.push(new boolean[1]);
            } else if (c == ')') {
                boolean risky = groups.size() > 1 ? groups.pop()[0] : false;
                int next = i + 1;
                if (risky && next < re.length() && repeats(re, next)) {
                    return Optional.of("a repeated group that contains a repetition or an alternation (such as (a+)+ or (a|b)*) could run away");
                }
                if (next < re.length() && repeats(re, next) || risky) {
                    groups.peek()[0] = true;
                }
            } else if (c == '|') {
                groups.peek()[0] = true;
            } else if (repeats(re, i)) {
                groups.peek()[0] = true;
            }
        }
        return Optional.empty();
    }

    /** Whether the quantifier at i repeats (*, +, {n,}, {n,m} with m > 1); ? and {1} do not. */
    private static boolean repeats(String re, int i) {
        char c = re.charAt(i);
        if (c == '*' || c == '+') {
            return true;
        }
        if (c == '{') {
            int end = re.indexOf('}', i);
            if (end < 0) {
                return false;
            }
            String body = re.substring(i + 1, end);
            if (!body.contains(",")) {
                return false;
            }
            String max = body.substring(body.indexOf(',') + 1).trim();
            try {
                return max.isEmpty() || Integer.parseInt(max) > 1;
            } catch (NumberFormatException e) {
                return true;
            }
        }
        return false;
    }

    private static int endOfClass(String re, int start) {
        int i = start + 1;
        if (i < re.length() && re.charAt(i) == '^') {
            i++;
        }
        if (i < re.length() && re.charAt(i) == ']') {
            i++;
        }
        for (; i < re.length(); i++) {
            char c = re.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ']') {
                return i;
            }
        }
        return re.length();
    }

    /** The input, read through a budget. */
    private static final class Budgeted implements CharSequence {
        private final String s;
        private int reads;

        Budgeted(String s) {
            this.s = s;
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public char charAt(int index) {
            if (++reads > READ_BUDGET) {
                throw new BudgetExceeded();
            }
            return s.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return s.subSequence(start, end);
        }

        @Override
        public String toString() {
            return s;
        }
    }
}
