package dev.jmdm.server.device;

import dev.jmdm.server.protocol.CommandReport;
import dev.jmdm.server.protocol.EnrollmentId;
import dev.jmdm.server.storage.CertBindingStore;
import dev.jmdm.server.storage.CheckinStore;
import dev.jmdm.server.storage.CommandStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command channel: stores a device's answer and hands it the next command.
 * Round trips per request: one for the certificate check (which also reads last-seen and whether a Setup Assistant
 * enrollment is under way, so other devices' answers skip ADE's step), one to
 * store a result (not on Idle), one for the next command, one to claim it (only when there is one;
 * a claim lost to a cancel reads the next one), and a last-seen write at most once a minute per enrollment.
 */
public final class CommandService {
    private static final Logger LOG = LoggerFactory.getLogger(CommandService.class);
    /** How stale last-seen may get before a request writes it: saves a write on most polls. */
    static final Duration LAST_SEEN_GRANULARITY = Duration.ofMinutes(1);

    private final CommandStore commands;
    private final CheckinStore enrollments;
    private final CertificateBinder binder;
    private final Clock clock;
    private final DeviceEvents events;

    public CommandService(CommandStore commands, CheckinStore enrollments, CertificateBinder binder, Clock clock, DeviceEvents events) {
        this.commands = commands;
        this.events = events;
        this.enrollments = enrollments;
        this.binder = binder;
        this.clock = clock;
    }

    public DeviceResponse handle(CommandReport report, RequestIdentity identity) {
        EnrollmentId id = report.enrollment().resolve();
        CertBindingStore.Lookup found = identity == null ? null : binder.authorize(id, identity);
        Long lastSeen = found == null ? null : found.enrollmentLastSeen();
        if (report.status() != CommandReport.Status.IDLE) {
            if (commands.storeReport(id.id(), report)) {
                // /migration has no look-up: ADE's answer step asks for itself.
                events.resultStored(id, report, found == null || found.setupPending());
            } else {
                // Duplicates and answers to cancelled or unknown commands are harmless: log, keep going.
                LOG.info("{} from {} for command {} matched no pending command; ignored", report.status().wire(), id.id(),
                        report.commandUuid());
            }
        }
        if (lastSeen != null && clock.millis() - lastSeen >= LAST_SEEN_GRANULARITY.toMillis()) {
            enrollments.touch(id.id());
        }
        Optional<CommandStore.Next> next = commands.deliverNext(id.id(), report.status() == CommandReport.Status.IDLE);
        if (next.isEmpty()) {
            return DeviceResponse.ok();
        }
        events.delivered(id, next.get());
        LOG.debug("delivering {} to {}", next.get().commandUuid(), id.id());
        return DeviceResponse.plist(next.get().command());
    }
}
