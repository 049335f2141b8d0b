package dev.jmdm.server.hosts;

/**
 * Told after a host's inventory facts were stored (committed), so features built on the facts (compliance
 * policies) can re-read them. Called on the thread that stored them, usually a device request: hand
 * real work to a thread of your own.
 */
@FunctionalInterface
public interface InventoryListener {
    void inventoryChanged(long hostId);
}
