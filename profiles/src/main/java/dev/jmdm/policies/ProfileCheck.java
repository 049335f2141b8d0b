package dev.jmdm.policies;

/**
 * profile: {identifier, status}. Passes when the server's tracked status of that profile on the host is
 * the one wanted (default verified); status absent passes when the server tracks no such profile there.
 */
public record ProfileCheck(String identifier, String status) implements Rule {
    /** The statuses a check may ask for: the profile feature's, plus absent. */
    static final java.util.List<String> STATUSES = java.util.List.of("verified", "verifying", "pending", "failed", "absent");

    @Override
    public Verdict evaluate(Facts facts) {
        String key = "profile." + identifier;
        String have = facts.profiles() == null ? null : facts.profiles().get(identifier);
        String shown = have == null ? "absent" : have;
        boolean ok = shown.equals(status);
        return Verdict.of(ok ? Result.PASS : Result.FAIL, "profile " + identifier + " is " + shown + ", wanted " + status, key, shown);
    }

    @Override
    public Result test(Facts facts) {
        String have = facts.profiles() == null ? null : facts.profiles().get(identifier);
        return (have == null ? "absent" : have).equals(status) ? Result.PASS : Result.FAIL;
    }
}
