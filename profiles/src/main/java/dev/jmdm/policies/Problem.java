package dev.jmdm.policies;

/** One thing wrong with a policy document, at a path such as check.all[2].gte. */
public record Problem(String path, String message) {
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
