package dev.jmdm.e2e.fuzz;

/**
 * How many inputs a fuzz run makes and from which seed. A build runs the default; the long run
 * is asked for with {@code -Djmdm.fuzz.inputs=100000} or {@code MDM_FUZZ_INPUTS=100000}. The seed
 * ({@code jmdm.fuzz.seed} / {@code MDM_FUZZ_SEED}) makes every input reproducible: a failure names
 * the seed and the input's number, and the same seed makes the same inputs again.
 */
public record FuzzBudget(int inputs, long seed) {
    /** Inputs per engine in an ordinary build. */
    public static final int DEFAULT_INPUTS = 5_000;
    public static final long DEFAULT_SEED = 20261206L;

    public static FuzzBudget fromEnvironment() {
        return new FuzzBudget((int) setting("jmdm.fuzz.inputs", "MDM_FUZZ_INPUTS", DEFAULT_INPUTS),
                setting("jmdm.fuzz.seed", "MDM_FUZZ_SEED", DEFAULT_SEED));
    }

    /** This part's share of the inputs, at least one. */
    public int share(double fraction) {
        return Math.max(1, (int) Math.round(inputs * fraction));
    }

    private static long setting(String property, String env, long fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + " / " + env + " must be a number, not " + v, e);
        }
    }
}
