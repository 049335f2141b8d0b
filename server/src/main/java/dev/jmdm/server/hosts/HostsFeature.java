package dev.jmdm.server.hosts;

import dev.jmdm.server.device.DeviceEvents;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.http.ApiRoutes;
import dev.jmdm.server.http.EnqueueAudit;
import dev.jmdm.server.push.PushService;
import dev.jmdm.server.secrets.StoredSecrets;
import dev.jmdm.server.storage.CertBindingStore;
import dev.jmdm.server.storage.CommandStore;
import dev.jmdm.server.storage.HostStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the hosts feature into a server: its API routes, the inventory listeners on check-ins
 * and command results, and the inventory sweep on the server's timer.
 */
public final class HostsFeature implements ApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(HostsFeature.class);
    /** How often a server looks for hosts whose inventory is due. */
    static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

    private final HostsApi hosts;
    private final RemoteActions actions;
    private final CommandsApi commands;
    private final CertificateBindingApi certificates;
    private final InventoryStore inventory;
    private final HostCommands hostCommands;

    private HostsFeature(HostsApi hosts, RemoteActions actions, CommandsApi commands, CertificateBindingApi certificates,
            InventoryStore inventory, HostCommands hostCommands) {
        this.hosts = hosts;
        this.actions = actions;
        this.commands = commands;
        this.certificates = certificates;
        this.inventory = inventory;
        this.hostCommands = hostCommands;
    }

    /** Told after each host's inventory facts are stored. */
    public void addInventoryListener(InventoryListener listener) {
        inventory.addListener(listener);
    }

    /** Commands other features queue for hosts on their own account (policy remediation). */
    public HostCommands hostCommands() {
        return hostCommands;
    }

    /**
     * @param inventoryInterval how often each host's inventory is refreshed; zero turns periodic refresh off
     * @param automatic         whether inventory is queued on enrollment and periodically at all (false: refetch only)
     * @param timers            the server's timer thread, shut down with the server
     * @param secrets           seals the lock/wipe PINs and opens UnlockTokens for ClearPasscode
     * @param wipeRebind        how long a device this server wiped may come back with a new identity; zero: never on its own
     */
    public static HostsFeature install(Jdbi jdbi, Clock clock, Duration inventoryInterval, boolean automatic, HostStore hostStore, CommandStore commandStore,
            PushService push, DeviceEvents events, ScheduledExecutorService timers, long maxBody,
            CertBindingStore bindings, StoredSecrets secrets, Duration wipeRebind, dev.jmdm.server.metrics.Metrics metrics) {
        HostDirectory directory = new HostDirectory(jdbi, hostStore, clock, secrets);
        InventoryStore inventory = new InventoryStore(jdbi, hostStore, clock);
        Wakeups wakeups = new Wakeups(push::push, metrics.shedCounter("hosts-push"));
        InventoryCollector collector = new InventoryCollector(inventory, commandStore, wakeups, clock, inventoryInterval);
        if (automatic) {
            events.onTokenUpdate("inventory on enrollment", DeviceEvents.Lane.INLINE, collector);
        }
        events.onAnswer("inventory", DeviceEvents.Lane.INLINE, collector);
        PinStore pins = new PinStore(jdbi, clock, secrets);
        AuditLog audit = new AuditLog(jdbi, clock);
        if (!wipeRebind.isZero()) {
            WipeRebind wipes = new WipeRebind(bindings, commandStore, hostStore, audit, wipeRebind, clock);
            events.onDelivery("wipe re-bind grant", DeviceEvents.Lane.INLINE, wipes);
            events.onAnswer("wipe re-bind grant", DeviceEvents.Lane.INLINE, wipes);
        }
        HostsApi api = new HostsApi(hostStore, directory, inventory, collector, pins, audit, wakeups, clock, maxBody);
        if (automatic && !inventoryInterval.isZero()) {
            timers.scheduleWithFixedDelay(() -> {
                try {
                    collector.sweep();
                } catch (RuntimeException e) {
                    LOG.warn("inventory sweep failed: {}", e.getMessage(), e);
                }
            }, SWEEP_EVERY.toSeconds(), SWEEP_EVERY.toSeconds(), TimeUnit.SECONDS);
        }
        return new HostsFeature(api, new RemoteActions(directory, inventory, commandStore, pins, audit, api, maxBody),
                new CommandsApi(directory, hostStore, commandStore, audit, api, maxBody),
                new CertificateBindingApi(bindings, hostStore, audit, clock), inventory,
                new HostCommands(hostStore, commandStore, collector, audit, wakeups));
    }

    /** Audits commands queued through the raw enqueue API as the structured API audits its own. */
    public EnqueueAudit enqueueAudit() {
        return commands::rawEnqueued;
    }

    @Override
    public void register(ApiRouter r) {
        r.post("/v1/hosts", hosts::preRegister);
        r.get("/v1/hosts", hosts::list);
        r.get("/v1/hosts/{id}", hosts::show);
        r.delete("/v1/hosts/{id}", hosts::forget);
        r.get("/v1/hosts/{id}/inventory", hosts::inventory);
        r.get("/v1/hosts/{id}/inventory/{source}/raw", hosts::rawInventory);
        r.get("/v1/hosts/{id}/apps", hosts::apps);
        r.post("/v1/hosts/{id}/refetch", hosts::refetch);
        r.get("/v1/hosts/{id}/commands", hosts::history);
        r.get("/v1/hosts/{id}/pins", hosts::pins);
        for (RemoteActions.Action a : RemoteActions.Action.values()) {
            r.post("/v1/hosts/{id}/" + a.path, exchange -> actions.perform(exchange, a));
        }
        r.post("/v1/commands", commands::create);
        r.get("/v1/audit", hosts::audit);
        r.get("/v1/enrollments/{id}/certificate", certificates::show);
        r.delete("/v1/enrollments/{id}/certificate", certificates::release);
        r.post("/v1/enrollments/{id}/certificate/renewal", certificates::allowRenewal);
    }
}
