package dev.jmdm.policies;

import java.util.Map;

/**
 * What the server knows about one host, as the rule language reads it. A missing fact is null,
 * never a default, so the rules can answer {@link Result#UNKNOWN}.
 */
public interface Facts {
    /** A documented fact ({@link FactCatalog}) or null when the host has not reported it. */
    Object get(String name);

    /** Installed apps, identifier to version (short version, else bundle version); null when no app list arrived yet. */
    Map<String, String> apps();

    /** Status of each configuration profile the server tracks on the host (pending, verifying, verified, failed). */
    Map<String, String> profiles();

    /** Facts held in maps: enough for tests and for the server, which fills the maps from its inventory. */
    static Facts of(Map<String, Object> facts, Map<String, String> apps, Map<String, String> profiles) {
        return new Facts() {
            @Override
            public Object get(String name) {
                return facts.get(name);
            }

            @Override
            public Map<String, String> apps() {
                return apps;
            }

            @Override
            public Map<String, String> profiles() {
                return profiles;
            }
        };
    }
}
