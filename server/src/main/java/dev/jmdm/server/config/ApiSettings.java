package dev.jmdm.server.config;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin API's credentials and what they guard.
 *
 * @param keys      every admin API credential, Basic user name to key: {@code nanomdm} for MDM_API_KEY plus the named
 *                  keys of MDM_API_KEYS; the user name is who the audit log records. Empty turns the API off
 * @param migration whether POST /migration (identity-less check-ins from another server) is on (MDM_MIGRATION)
 */
public record ApiSettings(Map<String, String> keys, boolean migration) {
    /** The Basic auth user of MDM_API_KEY, as in nanomdm. */
    public static final String BASIC_USER = "nanomdm";
    /** Shortest named key accepted: long enough that guessing over HTTP is hopeless. */
    public static final int MIN_NAMED_KEY = 16;
    /** The API off. */
    public static final ApiSettings OFF = new ApiSettings(Map.of(), false);

    public ApiSettings {
        keys = Map.copyOf(keys);
        if (migration && keys.isEmpty()) {
            // Left on its own the endpoint would silently not exist: /migration is guarded by the admin API's keys.
            throw new SettingsException("MDM_MIGRATION: true needs MDM_API_KEY or MDM_API_KEYS, whose keys guard POST /migration");
        }
    }

    public boolean enabled() {
        return !keys.isEmpty();
    }

    /**
     * The API credentials: {@code nanomdm} with MDM_API_KEY (as nanomdm's tools send it) and each {@code name:key} of
     * MDM_API_KEYS, so every admin or tool can have a key of its own and the audit log can tell them apart.
     *
     * @param apiKey the key of {@link #BASIC_USER}; null: none
     * @param named  {@code NAME:KEY} entries; null or empty: none
     */
    public static Map<String, String> keys(String apiKey, List<String> named) {
        Map<String, String> keys = new LinkedHashMap<>();
        if (apiKey != null) {
            keys.put(BASIC_USER, apiKey);
        }
        Set<String> secrets = new HashSet<>(keys.values());
        for (String entry : named == null ? List.<String>of() : named) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.indexOf(':');
            if (colon <= 0) {
                throw new SettingsException("MDM_API_KEYS: '" + e.replaceAll(":.*", ":***") + "' is not NAME:KEY; give comma-separated NAME:KEY pairs");
            }
            String name = e.substring(0, colon);
            String key = e.substring(colon + 1);
            if (!name.matches("[A-Za-z0-9._@-]{1,64}")) {
                throw new SettingsException("MDM_API_KEYS: name '" + name + "' may hold only letters, digits and . _ @ - (at most 64)");
            }
            if (keys.containsKey(name)) {
                throw new SettingsException("MDM_API_KEYS: the name '" + name + "' is given twice"
                        + (name.equals(BASIC_USER) && apiKey != null ? " (nanomdm is MDM_API_KEY's user)" : ""));
            }
            if (key.length() < MIN_NAMED_KEY) {
                throw new SettingsException("MDM_API_KEYS: the key of '" + name + "' is shorter than " + MIN_NAMED_KEY
                        + " characters (e.g. openssl rand -hex 24)");
            }
            if (!secrets.add(key)) {
                throw new SettingsException("MDM_API_KEYS: the key of '" + name + "' is also another name's key; give each its own");
            }
            keys.put(name, key);
        }
        return keys;
    }
}
