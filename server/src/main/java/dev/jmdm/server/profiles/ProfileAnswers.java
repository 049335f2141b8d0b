package dev.jmdm.server.profiles;

import dev.jmdm.profiles.ErrorChain;
import dev.jmdm.profiles.HostProfileStateMachine;
import dev.jmdm.profiles.HostReconciler;
import dev.jmdm.profiles.InstalledProfile;
import dev.jmdm.profiles.ProfileListParser;
import dev.jmdm.profiles.ProfileStatus;
import dev.jmdm.profiles.TrackedProfile;
import dev.jmdm.server.protocol.CommandReport;
import dev.jmdm.server.protocol.EnrollmentId;
import dev.jmdm.server.storage.CommandStore;
import dev.jmdm.server.storage.QueueEntry;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device answered a command: an acknowledged ProfileList reconciles its host against what it listed; an
 * answer to an InstallProfile or RemoveProfile moves that profile's state and reconciles that profile
 * again, in one transaction holding the host's row. Answers to anything else cost one unlocked read.
 */
final class ProfileAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileAnswers.class);
    private final HostProfileStore store;
    private final CommandStore commands;
    private final HostProfileStateMachine machine;
    private final HostReconciliation hosts;

    ProfileAnswers(HostProfileStore store, CommandStore commands, HostProfileStateMachine machine, HostReconciliation hosts) {
        this.store = store;
        this.commands = commands;
        this.machine = machine;
        this.hosts = hosts;
    }

    /** Called once the answer is stored. */
    void resultStored(EnrollmentId id, CommandReport report) {
        if (!id.isDeviceChannel()) {
            return;
        }
        if (report.status() == CommandReport.Status.ACKNOWLEDGED && report.body().containsKey("ProfileList")) {
            profileListAnswered(id, report);
            return;
        }
        // Most answers are to commands that carry no profile: one unlocked read settles that, so they cost
        // the device's hot path a single round trip. The state itself is read again under the host's lock.
        Optional<Long> host = store.hostAwaiting(id.deviceId(), report.commandUuid());
        if (host.isEmpty()) {
            return;
        }
        store.inEnrolledHost(host.get(), (unit, enrollment) -> {
            Optional<TrackedProfile> found = unit.trackedByCommand(host.get(), report.commandUuid());
            if (found.isPresent()) {
                answered(unit, host.get(), id.id(), found.get(), report);
                // The desired state may have moved on while the command was out (an edit, a delete, a target
                // change whose reconciliation had to wait for this answer): catch up now, before the device's
                // next command, so nothing overtakes a NotNow'd command and the answer never has the last word.
                hosts.reconcileLocked(unit, host.get(), enrollment, null, found.get().identifier());
            }
            return null;
        });
        // The device is connected right now and receives what was queued in this same exchange: no push.
    }

    private void profileListAnswered(EnrollmentId id, CommandReport report) {
        Optional<Long> host = store.hostOf(id.deviceId());
        if (host.isEmpty()) {
            return;
        }
        List<InstalledProfile> installed;
        try {
            installed = ProfileListParser.parse(report.raw());
        } catch (IllegalArgumentException e) {
            // A malformed answer says nothing about what the device holds: the host keeps its state until the
            // next ProfileList. It is the device's data, not a server fault, so no stack trace.
            LOG.warn("profiles: ignored the ProfileList answer {} of {}: {}", report.commandUuid(), id.id(), e.getMessage());
            return;
        }
        Set<String> queued = commands.pending(id.id()).stream().map(QueueEntry::commandUuid).collect(Collectors.toSet());
        hosts.reconcileHost(host.get(), new HostReconciler.Report(installed, queued));
    }

    /** Moves the state on the device's answer; NotNow changes nothing (the command stays queued). */
    private void answered(HostProfileStore.Unit unit, long hostId, String enrollmentId, TrackedProfile t, CommandReport report) {
        HostProfileStateMachine.Transition tr = switch (report.status()) {
            case ACKNOWLEDGED -> machine.acknowledged(t.state(), report.commandUuid());
            case ERROR -> machine.error(t.state(), report.commandUuid(), ErrorChain.parse(report.raw()));
            case COMMAND_FORMAT_ERROR -> machine.commandFormatError(t.state(), report.commandUuid(), ErrorChain.parse(report.raw()));
            default -> null;
        };
        if (tr == null) {
            return;
        }
        ProfileWrites w = hosts.writes(unit);
        HostReconciler.Change change = switch (tr.followUp()) {
            case FORGET -> HostReconciler.Change.forget(t.identifier());
            case SEND_COMMAND -> HostReconciler.Change.send(new TrackedProfile(tr.state(), t.installedUuid()));
            case SEND_PROFILE_LIST, NONE -> HostReconciler.Change.store(new TrackedProfile(tr.state(),
                    tr.state().status() == ProfileStatus.VERIFYING ? tr.state().uuid() : t.installedUuid()));
        };
        w.apply(hostId, enrollmentId, List.of(change));
        if (tr.followUp() == HostProfileStateMachine.FollowUp.SEND_PROFILE_LIST) {
            w.profileList(hostId, enrollmentId);
        }
        w.flush();
    }
}
