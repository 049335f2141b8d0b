package dev.jmdm.server.profiles;

import dev.jmdm.profiles.HostProfileState;
import dev.jmdm.profiles.HostProfileStateMachine;
import dev.jmdm.profiles.HostReconciler;
import dev.jmdm.profiles.Operation;
import dev.jmdm.profiles.ProfileCommands;
import dev.jmdm.server.protocol.Command;
import dev.jmdm.server.storage.CommandStore.CancelResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The writes of one locked transaction ({@link HostProfileStore.Unit}): reconciliation changes become host
 * state, cancels and commands; {@link #flush} stores the state first, then queues the commands, so both
 * commit together. Commands with the same content (InstallProfile of one PayloadUUID, RemoveProfile of one
 * identifier, ProfileList) are one command queued for many enrollments, which keeps an edit for 100,000
 * hosts to a few hundred statements.
 */
final class ProfileWrites {
    private final HostProfileStore.Unit unit;
    private final HostProfileStateMachine machine;
    private final long now;
    private final List<HostProfileStore.StateWrite> states = new ArrayList<>();
    private final List<HostProfileStore.HostProfile> forgotten = new ArrayList<>();
    /** Commands made in this transaction by what they carry ("install:" PayloadUUID, "remove:" identifier, "profilelist"). */
    private final Map<String, Command> commandByContent = new HashMap<>();
    /** Enrollments to queue each command for, in the order the commands were made (each is one instance). */
    private final Map<Command, List<String>> queue = new LinkedHashMap<>();
    private final Map<String, Optional<byte[]>> profileBytes = new HashMap<>();
    private final Set<Long> changedHosts = new HashSet<>();
    private final Set<String> toPush = new LinkedHashSet<>();
    private int entriesQueued;
    private int profileListsQueued;
    private String profileListCommand;

    ProfileWrites(HostProfileStore.Unit unit, HostProfileStateMachine machine, long now) {
        this.unit = unit;
        this.machine = machine;
        this.now = now;
    }

    /** Applies one host's changes: cancels at once, state and commands at {@link #flush}. */
    void apply(long hostId, String enrollmentId, List<HostReconciler.Change> changes) {
        for (HostReconciler.Change c : changes) {
            changedHosts.add(hostId);
            if (c.cancelCommand() != null) {
                CancelResult canceled = unit.queue().cancel(enrollmentId, c.cancelCommand());
                if (canceled == CancelResult.ALREADY_DELIVERED) {
                    // The device may be running it. Queued behind it, the next command could overtake it (a
                    // NotNow'd command waits for the next Idle) and be undone by it. Its answer reconciles this
                    // profile again.
                    continue;
                }
                if (canceled == CancelResult.CANCELED && c.forgetIfCanceled()) {
                    forgotten.add(new HostProfileStore.HostProfile(hostId, c.identifier()));
                    continue;
                }
            }
            if (c.next() == null) {
                forgotten.add(new HostProfileStore.HostProfile(hostId, c.identifier()));
                continue;
            }
            HostProfileState state = c.next().state();
            if (c.sends()) {
                Optional<Command> command = command(state);
                if (command.isPresent()) {
                    state = machine.commandQueued(state, command.get().commandUuid()).state();
                    queue.computeIfAbsent(command.get(), k -> new ArrayList<>()).add(enrollmentId);
                    toPush.add(enrollmentId);
                }
            }
            states.add(new HostProfileStore.StateWrite(hostId, state, c.next().installedUuid()));
        }
    }

    /** The command for a state's operation, shared within this transaction; empty when the version moved on meanwhile. */
    private Optional<Command> command(HostProfileState state) {
        String content = state.operation() == Operation.INSTALL ? "install:" + state.uuid() : "remove:" + state.identifier();
        Command existing = commandByContent.get(content);
        if (existing != null) {
            return Optional.of(existing);
        }
        String uuid = newCommandUuid();
        Command command;
        if (state.operation() == Operation.INSTALL) {
            Optional<byte[]> raw = profileBytes.computeIfAbsent(state.identifier() + "\n" + state.uuid(),
                    k -> unit.profileBytes(state.identifier(), state.uuid()));
            if (raw.isEmpty()) {
                return Optional.empty(); // a newer upload's own reconciliation takes over
            }
            command = new Command(uuid, "InstallProfile", ProfileCommands.installProfile(uuid, raw.get()));
        } else {
            command = new Command(uuid, "RemoveProfile", ProfileCommands.removeProfile(uuid, state.identifier()));
        }
        commandByContent.put(content, command);
        return Optional.of(command);
    }

    /** Queues a ProfileList for the enrollment unless one is already waiting. */
    void profileList(long hostId, String enrollmentId) {
        Optional<String> waiting = unit.waitingProfileList(enrollmentId);
        if (waiting.isPresent()) {
            profileListCommand = waiting.get();
            toPush.add(enrollmentId);
            return;
        }
        profileListUnchecked(hostId, enrollmentId);
    }

    /** Queues a ProfileList for the enrollment; the caller knows none is waiting. */
    void profileListUnchecked(long hostId, String enrollmentId) {
        Command command = commandByContent.computeIfAbsent("profilelist", k -> {
            String u = newCommandUuid();
            return new Command(u, "ProfileList", ProfileCommands.profileList(u));
        });
        profileListCommand = command.commandUuid();
        queue.computeIfAbsent(command, k -> new ArrayList<>()).add(enrollmentId);
        toPush.add(enrollmentId);
        unit.profileListRequested(hostId, now);
        profileListsQueued++;
    }

    private static String newCommandUuid() {
        return UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
    }

    /** State first, then the queue; all on the unit's transaction. */
    void flush() {
        unit.write(forgotten, states, now);
        queue.forEach((command, enrollmentIds) -> {
            unit.queue().enqueue(command, enrollmentIds);
            entriesQueued += enrollmentIds.size();
        });
    }

    int hostsChanged() {
        return changedHosts.size();
    }

    int entriesQueued() {
        return entriesQueued;
    }

    int profileListsQueued() {
        return profileListsQueued;
    }

    /** The waiting or new ProfileList's CommandUUID, after {@link #profileList}. */
    String profileListCommand() {
        return profileListCommand;
    }

    Collection<String> enrollmentsToPush() {
        return toPush;
    }
}
