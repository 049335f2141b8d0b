package dev.jmdm.profiles;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One host's reconciliation: from what its assignments want (desired), what the server tracks on it, and
 * optionally a fresh ProfileList, the changes that bring the device to the desired set. Pure: the caller
 * stores the changes, cancels and queues the commands.
 *
 * <ul>
 * <li>Desired and missing, or held with another PayloadUUID: one InstallProfile (an edit is never a
 * removal and a reinstall).</li>
 * <li>Tracked but no longer desired: RemoveProfile, unless the device never got it. An install still
 * waiting in the queue is cancelled first; when the cancel succeeds and the device held no version,
 * nothing is sent at all ({@link Change#forgetIfCanceled()}).</li>
 * <li>A ProfileList settles what answers left open ({@link HostProfileStateMachine#profileListReported});
 * a listed profile the server does not track is adopted when it is the desired version, removed when it
 * is one of the server's profiles and not desired, and otherwise left alone.</li>
 * </ul>
 * Identical desired and current state gives no change.
 */
public final class HostReconciler {
    private final HostProfileStateMachine machine;

    public HostReconciler(HostProfileStateMachine machine) {
        this.machine = Objects.requireNonNull(machine, "machine");
    }

    /** A fresh ProfileList answer and the commands still waiting in the host's queue. */
    public record Report(Collection<InstalledProfile> installed, Set<String> queuedCommandUuids) {
        public Report {
            installed = List.copyOf(installed);
            queuedCommandUuids = Set.copyOf(queuedCommandUuids);
        }
    }

    /** Whether a change queues the command of its state's operation. */
    public enum Command { SEND, NONE }

    /** What a successful cancel of the previous attempt's command means for the profile on this host. */
    public enum IfCanceled {
        /** The device never received it and holds no other version: forget the profile, send nothing. */
        FORGET,
        /** Apply the change as usual. */
        APPLY
    }

    /**
     * What to do for one identifier.
     *
     * @param next          the state to store; null: forget the profile on this host (delete its row)
     * @param cancelCommand a queued command of the previous attempt to cancel first, or null. When the
     *                      device may be running it (delivered, unanswered) the caller applies nothing:
     *                      a command queued behind it could overtake it, if it is NotNow'd, and be
     *                      undone by it; its answer is the moment to reconcile again
     * @param command       {@link Command#SEND}: queue the command of next's operation, then store
     *                      {@link HostProfileStateMachine#commandQueued} of next
     * @param ifCanceled    what a successful cancel of {@code cancelCommand} means
     */
    public record Change(String identifier, TrackedProfile next, String cancelCommand, Command command,
            IfCanceled ifCanceled) {
        public Change {
            Objects.requireNonNull(identifier, "identifier");
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(ifCanceled, "ifCanceled");
            if (command == Command.SEND && (next == null || next.state().status() != ProfileStatus.PENDING
                    || next.state().commandUuid() != null)) {
                throw new IllegalArgumentException("a send needs a pending state without a command: " + next);
            }
        }

        /** Forget the profile on this host: nothing is queued. */
        public static Change forget(String identifier) {
            return new Change(identifier, null, null, Command.NONE, IfCanceled.APPLY);
        }

        /** Store {@code next} and queue nothing. */
        public static Change store(TrackedProfile next) {
            return new Change(next.identifier(), next, null, Command.NONE, IfCanceled.APPLY);
        }

        /** Queue the command of {@code next}'s operation and store it. */
        public static Change send(TrackedProfile next) {
            return new Change(next.identifier(), next, null, Command.SEND, IfCanceled.APPLY);
        }

        /** Whether the command of next's operation is to be queued. */
        public boolean sends() {
            return command == Command.SEND;
        }

        /** Whether a successful cancel means: forget the profile, send nothing. */
        public boolean forgetIfCanceled() {
            return ifCanceled == IfCanceled.FORGET;
        }
    }

    /**
     * @param desired            by identifier: the latest version every assignment of this host wants
     * @param tracked            by identifier: what the server tracks on this host
     * @param report             a fresh ProfileList, or null when reconciling from the tracked state alone
     * @param serverIdentifiers  identifiers of every profile the server stores (a listed, untracked,
     *                           undesired profile with one of these is removed)
     */
    public List<Change> reconcile(Map<String, DesiredProfile> desired, Map<String, TrackedProfile> tracked,
            Report report, Set<String> serverIdentifiers) {
        Map<String, TrackedProfile> rows = new HashMap<>(tracked);
        Set<String> send = new TreeSet<>();
        Map<String, InstalledProfile> listed = new HashMap<>();
        if (report != null) {
            for (InstalledProfile p : report.installed()) {
                listed.putIfAbsent(p.identifier(), p);
            }
            settle(tracked, report, listed, rows, send);
            adopt(desired, tracked, listed, serverIdentifiers, rows, send);
        }

        Set<String> identifiers = new TreeSet<>(desired.keySet());
        identifiers.addAll(tracked.keySet());
        identifiers.addAll(rows.keySet());
        List<Change> changes = new ArrayList<>();
        for (String id : identifiers) {
            Change c = decide(id, desired.get(id), tracked.get(id), rows.get(id), send.contains(id),
                    listed.containsKey(id) ? listed.get(id).uuid() : null);
            if (c != null) {
                changes.add(c);
            }
        }
        return List.copyOf(changes);
    }

    // The ProfileList settles every tracked profile's status.
    private void settle(Map<String, TrackedProfile> tracked, Report report, Map<String, InstalledProfile> listed,
            Map<String, TrackedProfile> rows, Set<String> send) {
        tracked.forEach((id, t) -> {
            HostProfileStateMachine.Transition tr = machine.profileListReported(t.state(), report.installed(),
                    report.queuedCommandUuids());
            InstalledProfile on = listed.get(id);
            if (tr.followUp() == HostProfileStateMachine.FollowUp.FORGET) {
                rows.remove(id);
                return;
            }
            rows.put(id, new TrackedProfile(tr.state(), on == null ? null : on.uuid()));
            if (tr.followUp() == HostProfileStateMachine.FollowUp.SEND_COMMAND) {
                send.add(id);
            }
        });
    }

    // Listed profiles the server does not track yet.
    private static void adopt(Map<String, DesiredProfile> desired, Map<String, TrackedProfile> tracked,
            Map<String, InstalledProfile> listed, Set<String> serverIdentifiers, Map<String, TrackedProfile> rows,
            Set<String> send) {
        listed.forEach((id, on) -> {
            if (tracked.containsKey(id)) {
                return;
            }
            DesiredProfile d = desired.get(id);
            if (d != null && d.uuid().equalsIgnoreCase(on.uuid())) {
                rows.put(id, new TrackedProfile(new HostProfileState(id, Operation.INSTALL, ProfileStatus.VERIFIED,
                        d.uuid(), null, 0, null), on.uuid()));
            } else if (d == null && serverIdentifiers.contains(id)) {
                rows.put(id, new TrackedProfile(HostProfileState.pending(id, Operation.REMOVE, on.uuid()), on.uuid()));
                send.add(id);
            }
        });
    }

    private Change decide(String id, DesiredProfile d, TrackedProfile before, TrackedProfile row, boolean settledSend,
            String listedUuid) {
        if (d != null) {
            if (row == null) {
                return change(id, before, new TrackedProfile(HostProfileState.pending(id, Operation.INSTALL, d.uuid()),
                        listedUuid), null, Command.SEND, IfCanceled.APPLY);
            }
            HostProfileStateMachine.Transition tr = machine.plan(row.state(), new ProfileAction.Install(id, d.uuid()));
            boolean sameRound = tr.state() == row.state();
            boolean sendIt = tr.followUp() == HostProfileStateMachine.FollowUp.SEND_COMMAND || sameRound && settledSend;
            return change(id, before, new TrackedProfile(tr.state(), row.installedUuid()),
                    sameRound ? null : row.waitingCommand(), sendIt ? Command.SEND : Command.NONE, IfCanceled.APPLY);
        }
        if (row == null) {
            return change(id, before, null, null, Command.NONE, IfCanceled.APPLY);
        }
        if (row.state().operation() == Operation.INSTALL) {
            String waiting = row.waitingCommand();
            if (row.installedUuid() == null && waiting == null
                    && (row.state().status() == ProfileStatus.PENDING || row.state().status() == ProfileStatus.FAILED)) {
                // Never sent, or refused by the device: it has nothing to remove.
                return change(id, before, null, null, Command.NONE, IfCanceled.APPLY);
            }
            HostProfileStateMachine.Transition tr = machine.plan(row.state(), new ProfileAction.Remove(id));
            return change(id, before, new TrackedProfile(tr.state(), row.installedUuid()), waiting, Command.SEND,
                    waiting != null && row.installedUuid() == null ? IfCanceled.FORGET : IfCanceled.APPLY);
        }
        HostProfileStateMachine.Transition tr = machine.plan(row.state(), new ProfileAction.Remove(id));
        boolean sendIt = tr.followUp() == HostProfileStateMachine.FollowUp.SEND_COMMAND || settledSend;
        return change(id, before, new TrackedProfile(tr.state(), row.installedUuid()), null, sendIt ? Command.SEND : Command.NONE, IfCanceled.APPLY);
    }

    private static Change change(String id, TrackedProfile before, TrackedProfile next, String cancel, Command command,
            IfCanceled ifCanceled) {
        if (command == Command.NONE && cancel == null && Objects.equals(before, next)) {
            return null;
        }
        return new Change(id, next, cancel, command, ifCanceled);
    }
}
