package dev.jmdm.server.hosts;

import dev.jmdm.server.config.HostsSettings;
import dev.jmdm.server.device.DeviceEvents;
import dev.jmdm.server.feature.Feature;
import dev.jmdm.server.feature.Services;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.http.EnqueueAudit;
import dev.jmdm.server.storage.HostRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the hosts feature into a server: its API routes, the inventory listeners on check-ins
 * and command results, and the inventory sweep on the server's timer.
 */
public final class HostsFeature implements Feature {
    private static final Logger LOG = LoggerFactory.getLogger(HostsFeature.class);
    /** How often a server looks for hosts whose inventory is due. */
    static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

    private final HostsSettings settings;
    private final Services services;
    private final HostsApi hosts;
    private final RemoteActions actions;
    private final CommandsApi commands;
    private final CertificateBindingApi certificates;
    private final InventoryStore inventory;
    private final InventoryCollector collector;
    private final WipeRebind wipes;
    private final HostCommands hostCommands;

    private final AuditLog audit;
    private final HostDirectory directory;

    /** The feature built on the shared services; {@link #start()} hooks it into check-ins, answers and the timer. */
    public HostsFeature(HostsSettings settings, Services services) {
        this.settings = settings;
        this.services = services;
        Clock clock = services.clock();
        directory = new HostDirectory(services.jdbi(), services.hosts(), clock, services.secrets());
        inventory = new InventoryStore(services.jdbi(), services.hosts(), clock);
        Wakeups wakeups = new Wakeups(services.push()::push, services.backgroundPushes());
        collector = new InventoryCollector(inventory, services.commands(), wakeups, clock, settings.inventoryInterval());
        PinStore pins = new PinStore(services.jdbi(), clock, services.secrets());
        audit = new AuditLog(services.jdbi(), clock);
        wipes = settings.wipeRebind().isZero() ? null
                : new WipeRebind(services.bindings(), services.commands(), services.hosts(), audit, settings.wipeRebind(), clock);
        long maxBody = services.maxBody();
        hosts = new HostsApi(services.hosts(), directory, inventory, collector, pins, audit, wakeups, clock, maxBody);
        actions = new RemoteActions(directory, inventory, services.commands(), pins, audit, hosts, maxBody);
        commands = new CommandsApi(directory, services.hosts(), services.commands(), audit, hosts, maxBody);
        certificates = new CertificateBindingApi(services.bindings(), services.hosts(), audit, clock);
        hostCommands = new HostCommands(services.hosts(), services.commands(), collector, audit, wakeups);
    }

    /** Told after each host's inventory facts are stored. */
    public void addInventoryListener(InventoryListener listener) {
        inventory.addListener(listener);
    }

    /** Where a host's Setup Assistant enrollment stands, shown in GET /v1/hosts/{id} (the ADE feature). */
    public void setupFrom(java.util.function.Function<HostRecord, java.util.Optional<HostAnswers.Setup>> source) {
        hosts.setupFrom(source);
    }

    /** Answers the host list's policy filter (the policies feature); without one, the filter matches no host. */
    public void policyHostsFrom(PolicyHosts source) {
        directory.policyHostsFrom(source);
    }

    /** Commands other features queue for hosts on their own account (policy remediation). */
    public HostCommands hostCommands() {
        return hostCommands;
    }

    /**
     * Inventory on enrollment and answers (unless MDM_INVENTORY is off: then refetch only), wipe re-bind grants, and
     * the inventory sweep on the server's timer.
     */
    @Override
    public void start() {
        DeviceEvents events = services.events();
        if (settings.inventory()) {
            events.onTokenUpdate("inventory on enrollment", DeviceEvents.Lane.INLINE, collector);
        }
        events.onAnswer("inventory", DeviceEvents.Lane.INLINE, collector);
        if (wipes != null) {
            events.onDelivery("wipe re-bind grant", DeviceEvents.Lane.INLINE, wipes);
            events.onAnswer("wipe re-bind grant", DeviceEvents.Lane.INLINE, wipes);
        }
        if (settings.inventory() && !settings.inventoryInterval().isZero()) {
            services.timers().scheduleWithFixedDelay(services.jobs().leased("inventory-sweep", SWEEP_EVERY, () -> {
                try {
                    collector.sweep();
                } catch (RuntimeException e) {
                    LOG.warn("inventory sweep failed: {}", e.getMessage(), e);
                }
            }), SWEEP_EVERY.toSeconds(), SWEEP_EVERY.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Audits commands queued through the raw enqueue API as the structured API audits its own. */
    public EnqueueAudit enqueueAudit() {
        return commands::rawEnqueued;
    }

    /** The audit log for other features' actions (users), named by the request's principal. */
    public dev.jmdm.server.http.AuditTrail auditTrail() {
        return new dev.jmdm.server.http.AuditTrail() {
            @Override
            public void record(String actor, String action, String target, java.util.Map<String, ?> detail) {
                audit.record(actor, action, null, target, null, detail);
            }

            @Override
            public void record(io.undertow.server.HttpServerExchange exchange, String action, String target, java.util.Map<String, ?> detail) {
                record(ApiJson.actor(exchange), action, target, detail);
            }
        };
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
        r.post("/v1/audit", hosts::note);
        r.get("/v1/enrollments/{id}/certificate", certificates::show);
        r.delete("/v1/enrollments/{id}/certificate", certificates::release);
        r.post("/v1/enrollments/{id}/certificate/renewal", certificates::allowRenewal);
    }
}
