package dev.jmdm.sim;

import com.dd.plist.NSDictionary;
import java.util.Set;

/**
 * A device's lock screen as a {@link SimulatedDevice.Behaviour}: while locked, the device answers NotNow to
 * the commands that need it unlocked and answers everything else truthfully. Devices do this because
 * data protection keeps the keychain and user data out of reach until the user unlocks; they ask for
 * the command again (their next Idle) once unlocked. See Apple's "NotNow" in the command response
 * documentation: https://developer.apple.com/documentation/devicemanagement/implementing-device-management/sending-mdm-commands-to-a-device
 *
 * <p>Not the MDM DeviceLock: this is the user pressing the side button.
 */
public final class ScreenLock implements SimulatedDevice.Behaviour {
    private final Set<String> needUnlock;
    private volatile boolean locked;

    private ScreenLock(Set<String> needUnlock) {
        this.needUnlock = needUnlock;
    }

    /** A lock screen that defers these request types (none given: every command). */
    public static ScreenLock deferring(String... requestTypes) {
        return new ScreenLock(Set.of(requestTypes));
    }

    public ScreenLock lock() {
        locked = true;
        return this;
    }

    public ScreenLock unlock() {
        locked = false;
        return this;
    }

    public boolean locked() {
        return locked;
    }

    @Override
    public Answer override(String requestType, NSDictionary command) {
        return locked && (needUnlock.isEmpty() || needUnlock.contains(requestType)) ? Answer.notNow() : null;
    }
}
