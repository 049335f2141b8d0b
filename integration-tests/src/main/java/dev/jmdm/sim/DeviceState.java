package dev.jmdm.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a simulated device keeps between commands, so that its answers are true: installed
 * profiles by identifier, lock state. Thread-safe: tests read it while the device polls.
 */
public final class DeviceState {
    /** An installed profile: its identifier, PayloadUUID and the bytes that were installed. */
    public record InstalledProfile(String identifier, String uuid, String displayName, byte[] raw) {
    }

    private final Map<String, InstalledProfile> profiles = new LinkedHashMap<>();
    private boolean locked;

    public synchronized Map<String, InstalledProfile> profiles() {
        return Map.copyOf(profiles);
    }

    public synchronized void install(InstalledProfile p) {
        profiles.put(p.identifier(), p);
    }

    public synchronized boolean remove(String identifier) {
        return profiles.remove(identifier) != null;
    }

    public synchronized void erase() {
        profiles.clear();
        locked = false;
    }

    public synchronized boolean locked() {
        return locked;
    }

    public synchronized void lock() {
        locked = true;
    }
}
