package dev.jmdm.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a simulated device keeps between commands, so that its answers are true: installed
 * profiles by identifier, lock state and PIN, passcode, the UnlockToken it escrowed, restarts and
 * erasures. Thread-safe: tests read it while the device polls.
 */
public final class DeviceState {
    /** An installed profile: its identifier, PayloadUUID and the bytes that were installed. */
    public record InstalledProfile(String identifier, String uuid, String displayName, byte[] raw) {
    }

    /** Everything the device keeps, as one value: what {@code mdm-sim --state FILE} stores between runs. */
    public record Snapshot(List<InstalledProfile> profiles, boolean locked, String lockPin, String lockMessage,
            boolean passcodePresent, byte[] unlockToken, int restarts, int erasures, String erasePin) {
    }

    private final Map<String, InstalledProfile> profiles = new LinkedHashMap<>();
    private boolean locked;
    private String lockPin;
    private String lockMessage;
    private boolean passcodePresent = true;
    // Sent in every TokenUpdate; ClearPasscode works only with this exact token, as on a real device.
    private byte[] unlockToken = SimulatedDevice.randomBytes(64);
    private int restarts;
    private int erasures;
    private int deviceConfigured;
    private String erasePin;

    public synchronized Map<String, InstalledProfile> profiles() {
        return Map.copyOf(profiles);
    }

    public synchronized void install(InstalledProfile p) {
        profiles.put(p.identifier(), p);
    }

    public synchronized boolean remove(String identifier) {
        return profiles.remove(identifier) != null;
    }

    /** Everything is gone; a wiped device has no passcode and makes a new UnlockToken when it enrolls again. */
    public synchronized void erase() {
        profiles.clear();
        locked = false;
        lockPin = null;
        lockMessage = null;
        passcodePresent = false;
        unlockToken = SimulatedDevice.randomBytes(64);
        erasures++;
    }

    /** EraseDevice: a Mac keeps the PIN that unlocks it after the wipe. */
    public synchronized void erase(String pin) {
        erase();
        erasePin = pin;
    }

    public synchronized boolean locked() {
        return locked;
    }

    public synchronized void lock() {
        lock(null, null);
    }

    public synchronized void lock(String pin, String message) {
        locked = true;
        lockPin = pin;
        lockMessage = message;
    }

    public synchronized String lockPin() {
        return lockPin;
    }

    public synchronized String lockMessage() {
        return lockMessage;
    }

    public synchronized boolean passcodePresent() {
        return passcodePresent;
    }

    public synchronized byte[] unlockToken() {
        return unlockToken.clone();
    }

    /** ClearPasscode: succeeds only with the UnlockToken this device escrowed. */
    public synchronized boolean clearPasscode(byte[] token) {
        if (token == null || !java.util.Arrays.equals(token, unlockToken)) {
            return false;
        }
        passcodePresent = false;
        return true;
    }

    public synchronized void restarted() {
        restarts++;
    }

    public synchronized int restarts() {
        return restarts;
    }

    /** Setup Assistant was told to go on (DeviceConfigured); Await Device Configured ends there. */
    public synchronized void deviceConfigured() {
        deviceConfigured++;
    }

    /** How many times the device received DeviceConfigured. */
    public synchronized int deviceConfiguredCount() {
        return deviceConfigured;
    }

    public synchronized int erasures() {
        return erasures;
    }

    public synchronized String erasePin() {
        return erasePin;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(List.copyOf(profiles.values()), locked, lockPin, lockMessage, passcodePresent, unlockToken.clone(),
                restarts, erasures, erasePin);
    }

    /** Becomes the device the snapshot was taken of (a device started again from its state file). */
    public synchronized void restore(Snapshot s) {
        profiles.clear();
        s.profiles().forEach(p -> profiles.put(p.identifier(), p));
        locked = s.locked();
        lockPin = s.lockPin();
        lockMessage = s.lockMessage();
        passcodePresent = s.passcodePresent();
        unlockToken = s.unlockToken().clone();
        restarts = s.restarts();
        erasures = s.erasures();
        erasePin = s.erasePin();
    }
}
