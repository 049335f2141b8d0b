package dev.jmdm.policies;

/**
 * app: {identifier, min_version?, present}. present: true passes when the app is installed (at
 * min_version or later, if given); present: false passes when it is not. UNKNOWN until the host's
 * first app list arrives.
 */
public record AppCheck(String identifier, String minVersion, boolean present) implements Rule {
    @Override
    public Verdict evaluate(Facts facts) {
        String key = "app." + identifier;
        if (facts.apps() == null) {
            return Verdict.of(Result.UNKNOWN, "the app list is not known", key, null);
        }
        String version = facts.apps().get(identifier);
        boolean installed = facts.apps().containsKey(identifier);
        if (!present) {
            return Verdict.of(installed ? Result.FAIL : Result.PASS,
                    identifier + (installed ? " is installed" : " is not installed") + ", wanted absent", key, installed ? orEmpty(version) : null);
        }
        if (!installed) {
            return Verdict.of(Result.FAIL, identifier + " is not installed", key, null);
        }
        if (minVersion == null) {
            return Verdict.of(Result.PASS, identifier + " is installed", key, orEmpty(version));
        }
        int[] have = version == null ? null : Versions.parse(version);
        if (have == null) {
            return Verdict.of(Result.UNKNOWN, identifier + " has no comparable version (" + version + ")", key, version);
        }
        boolean ok = Versions.compare(have, Versions.parse(minVersion)) >= 0;
        return Verdict.of(ok ? Result.PASS : Result.FAIL, identifier + " " + version + ", wanted at least " + minVersion, key, version);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public Result test(Facts facts) {
        if (facts.apps() == null) {
            return Result.UNKNOWN;
        }
        boolean installed = facts.apps().containsKey(identifier);
        if (!present || !installed) {
            return installed == present ? Result.PASS : Result.FAIL;
        }
        if (minVersion == null) {
            return Result.PASS;
        }
        String version = facts.apps().get(identifier);
        int[] have = version == null ? null : Versions.parse(version);
        if (have == null) {
            return Result.UNKNOWN;
        }
        return Versions.compare(have, Versions.parse(minVersion)) >= 0 ? Result.PASS : Result.FAIL;
    }
}
