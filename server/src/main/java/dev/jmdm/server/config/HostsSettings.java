package dev.jmdm.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Hosts and their inventory.
 *
 * @param inventory         whether the server queues inventory queries on its own, on enrollment and periodically
 *                          (MDM_INVENTORY); false leaves the queue to admins, as nanomdm does (refetch still works)
 * @param inventoryInterval how often each host's inventory (DeviceInformation, SecurityInfo, apps) is refreshed
 *                          (MDM_INVENTORY_INTERVAL); zero: only on enrollment and refetch
 * @param wipeRebind        how long after this server delivered an EraseDevice the wiped device may enroll again with a
 *                          new identity, a re-bind grant (MDM_WIPE_REBIND); zero: only after an admin releases its
 *                          certificate
 */
public record HostsSettings(boolean inventory, Duration inventoryInterval, Duration wipeRebind) {
    public static final Duration DEFAULT_INVENTORY_INTERVAL = Duration.ofHours(24);
    /** More often would flood devices with queries. */
    public static final Duration MIN_INVENTORY_INTERVAL = Duration.ofHours(1);
    /** Less often leaves facts stale. */
    public static final Duration MAX_INVENTORY_INTERVAL = Duration.ofDays(90);
    public static final Duration DEFAULT_WIPE_REBIND = Duration.ofDays(30);
    /** A wiped device that has not come back within a year is an admin's call. */
    public static final Duration MAX_WIPE_REBIND = Duration.ofDays(365);
    public static final HostsSettings DEFAULTS = new HostsSettings(true, DEFAULT_INVENTORY_INTERVAL, DEFAULT_WIPE_REBIND);

    public HostsSettings {
        Objects.requireNonNull(inventoryInterval, "inventoryInterval");
        Objects.requireNonNull(wipeRebind, "wipeRebind");
    }
}
