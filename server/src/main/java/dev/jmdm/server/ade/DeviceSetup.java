package dev.jmdm.server.ade;

import com.dd.plist.NSDictionary;
import dev.jmdm.server.hosts.HostCommands;
import dev.jmdm.server.profiles.ProfileCatalog;
import dev.jmdm.server.profiles.ProfileFeature;
import dev.jmdm.server.protocol.Command;
import dev.jmdm.server.protocol.CommandReport;
import dev.jmdm.server.protocol.EnrollmentId;
import dev.jmdm.server.storage.CommandStore;
import dev.jmdm.server.storage.HostStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Await Device Configured: when a device's TokenUpdate says {@code AwaitingConfiguration}, Setup Assistant waits for
 * {@code DeviceConfigured}. The setup steps of the device's ADE profile run first, one at a time, each started when the
 * one before ended (its command answered, its profile acknowledged), then DeviceConfigured is queued; its
 * acknowledgement ends the run. A step that fails is noted and the run goes on: a device left in Setup Assistant is
 * worse than one missing a profile, which the reconciler keeps trying. Steps run inline on the device's own
 * requests, so the next command goes out in the answer to the last.
 */
final class DeviceSetup {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceSetup.class);
    static final String PROFILE_PREFIX = "profile:";
    /** The audit log's actor for commands queued by setup steps. */
    static final String ACTOR = "ade-setup";
    /**
     * Install states that end a profile step: acknowledged (VERIFYING), listed by the device (VERIFIED) or given up
     * (FAILED).
     */
    private static final Set<String> PROFILE_DONE = Set.of("verifying", "verified", "failed");

    private final AdeStore store;
    private final HostStore hosts;
    private final CommandStore commands;
    private final HostCommands hostCommands;
    private final ProfileCatalog catalog;
    private final ProfileFeature profiles;
    private final Consumer<List<String>> push;

    DeviceSetup(AdeStore store, HostStore hosts, CommandStore commands, HostCommands hostCommands, ProfileCatalog catalog,
            ProfileFeature profiles, Consumer<List<String>> push) {
        this.store = store;
        this.hosts = hosts;
        this.commands = commands;
        this.hostCommands = hostCommands;
        this.catalog = catalog;
        this.profiles = profiles;
        this.push = push;
    }

    /** A first TokenUpdate: a device that did not ask to await configuration is simply enrolled. */
    void tokenUpdated(EnrollmentId id, int tally) {
        if (tally == 1 && id.isDeviceChannel()) {
            store.enrolled(id.deviceId());
        }
    }

    /** The device awaits configuration: start its steps (again, if a new TokenUpdate says it still waits). */
    void awaitingConfiguration(EnrollmentId id) {
        String device = id.deviceId();
        Optional<AdeStore.Row> row = store.byUdid(device);
        if (row.isEmpty()) {
            // Enrolled through another path (or another server's profile) yet waiting: never leave it stuck.
            LOG.info("{} awaits configuration without a Setup Assistant enrollment here: DeviceConfigured at once", device);
            commands.enqueue(deviceConfigured(), List.of(device));
            push.accept(List.of(device));
            return;
        }
        AdeStore.Row r = row.get();
        // The steps as they are now, kept for this run: editing the profile's steps mid-run changes the next run only.
        String json = store.steps(r.profileName()).orElse("[]");
        int count = SetupSteps.fromJson(json).size();
        // Whatever state it was in, the run starts over: a device awaits configuration once per Setup Assistant.
        if (!store.move(r, AdeStore.AWAITING, 0, count + 1, null, json, null)) {
            return;
        }
        LOG.info("{} (serial {}) awaits configuration: {} setup step(s) of ADE profile {}, then DeviceConfigured", device, r.serialNumber(),
                count, r.profileName());
        store.bySerial(r.serialNumber()).ifPresent(a -> start(a, device, 0, null));
        push.accept(List.of(device));
    }

    /** A device answered: if it ends the step its setup waits for, the next one starts. */
    void answered(EnrollmentId id, CommandReport report) {
        if (!id.isDeviceChannel() || report.status() == CommandReport.Status.NOT_NOW) {
            return;
        }
        Optional<AdeStore.Row> row = store.running(id.deviceId());
        if (row.isEmpty() || row.get().waiting() == null) {
            return;
        }
        AdeStore.Row r = row.get();
        if (r.waiting().equals(report.commandUuid())) {
            if (r.step() == r.of() - 1) {
                configured(r, report);
                return;
            }
            String error = report.status() == CommandReport.Status.ACKNOWLEDGED ? r.error()
                    : "step " + (r.step() + 1) + ": the device answered " + report.status().wire();
            start(r, id.deviceId(), r.step() + 1, error);
        } else if (r.waiting().startsWith(PROFILE_PREFIX)) {
            profileStepDone(r, id.deviceId());
        }
    }

    private void configured(AdeStore.Row r, CommandReport report) {
        if (report.status() != CommandReport.Status.ACKNOWLEDGED) {
            LOG.warn("{} answered DeviceConfigured with {}", r.udid(), report.status().wire());
        }
        if (store.move(r, report.status() == CommandReport.Status.ACKNOWLEDGED ? AdeStore.CONFIGURED : AdeStore.RUNNING, r.of(), r.of(), null,
                r.steps(), report.status() == CommandReport.Status.ACKNOWLEDGED ? r.error() : "DeviceConfigured: " + report.status().wire())) {
            LOG.info("{} (serial {}) is configured: Setup Assistant goes on", r.udid(), r.serialNumber());
        }
    }

    private void profileStepDone(AdeStore.Row r, String device) {
        String identifier = r.waiting().substring(PROFILE_PREFIX.length());
        Optional<Long> host = hosts.hostOfEnrollment(device);
        // Only what was learnt since the step started: the host's state from before a wipe is stale.
        Optional<String> status = host.flatMap(h -> catalog.installStatusSince(h, identifier, r.updatedAt()));
        if (status.isPresent() && PROFILE_DONE.contains(status.get())) {
            start(r, device, r.step() + 1, "failed".equals(status.get()) ? "step " + (r.step() + 1) + ": profile " + identifier + " failed" : r.error());
        }
    }

    /** Starts step {@code index} of the run read as {@code r} (the last one is DeviceConfigured). */
    private void start(AdeStore.Row r, String device, int index, String error) {
        List<SetupSteps.Step> steps = SetupSteps.fromJson(r.steps());
        if (index >= steps.size()) {
            Command configured = deviceConfigured();
            if (store.move(r, AdeStore.RUNNING, steps.size(), steps.size() + 1, configured.commandUuid(), r.steps(), error)) {
                commands.enqueue(configured, List.of(device));
            }
            return;
        }
        SetupSteps.Step step = steps.get(index);
        Optional<Long> host = hosts.hostOfEnrollment(device);
        if (host.isEmpty()) {
            LOG.warn("{} has no host: its setup cannot run", device);
            return;
        }
        if (step.profile() != null) {
            if (!catalog.profileExists(step.profile())) {
                String why = "step " + (index + 1) + ": profile " + step.profile() + " is no longer stored; skipped";
                skip(r, device, index, why);
                return;
            }
            if (!store.move(r, AdeStore.RUNNING, index, r.of(), PROFILE_PREFIX + step.profile(), r.steps(), error)) {
                return;
            }
            catalog.addTargetHost(step.profile(), host.get());
            hostCommands.audit(ACTOR, "ade.setup.profile", host.get(), Map.of("profile", step.profile(), "step", index + 1));
            profiles.reconcileHostNow(host.get());
            store.bySerial(r.serialNumber()).filter(now -> now.waiting() != null).ifPresent(now -> profileStepDone(now, device));
            return;
        }
        String uuid = UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);
        if (!store.move(r, AdeStore.RUNNING, index, r.of(), uuid, r.steps(), error)) {
            return;
        }
        com.fasterxml.jackson.databind.node.ObjectNode command = step.command().deepCopy();
        command.put("command_uuid", uuid);
        try {
            hostCommands.queue(command, host.get(), ACTOR, Map.of("ade_setup_step", index + 1));
        } catch (RuntimeException e) {
            LOG.warn("{}: setup step {} could not be queued: {}", device, index + 1, e.getMessage());
            store.bySerial(r.serialNumber()).ifPresent(now -> skip(now, device, index, "step " + (index + 1) + ": " + e.getMessage()));
        }
    }

    private void skip(AdeStore.Row r, String device, int index, String why) {
        LOG.warn("{}: {}", device, why);
        start(r, device, index + 1, why);
    }

    static Command deviceConfigured() {
        String uuid = UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);
        NSDictionary inner = new NSDictionary();
        inner.put("RequestType", "DeviceConfigured");
        NSDictionary envelope = new NSDictionary();
        envelope.put("CommandUUID", uuid);
        envelope.put("Command", inner);
        return new Command(uuid, "DeviceConfigured", envelope.toXMLPropertyList().getBytes(StandardCharsets.UTF_8));
    }
}
