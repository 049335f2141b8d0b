package dev.jmdm.server.hosts;

import dev.jmdm.server.device.DeviceEvents;
import dev.jmdm.server.protocol.CommandReport;
import dev.jmdm.server.protocol.EnrollmentId;
import dev.jmdm.server.storage.CertBindingStore;
import dev.jmdm.server.storage.CommandStore;
import dev.jmdm.server.storage.HostRecord;
import dev.jmdm.server.storage.HostStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device this server wiped may come back. An erased device has lost its identity and sends no
 * CheckOut; it enrolls again (Automated Device Enrollment, or a new profile) with a new certificate,
 * which the binding policy would refuse as an impostor's. So when an {@code EraseDevice} is handed to
 * a device (the device may answer and then wipe, or wipe without answering), its device gets a re-bind
 * grant, reason {@code wipe}, for {@code MDM_WIPE_REBIND}: like an admin's renewal window, the old
 * certificate keeps working until the device Authenticates with a new one. A wipe the device refused
 * (Error, CommandFormatError) closes the grant again. Opening and closing are audited.
 */
final class WipeRebind implements DeviceEvents.Delivered, DeviceEvents.Answered {
    private static final Logger LOG = LoggerFactory.getLogger(WipeRebind.class);
    static final String REASON = "wipe";
    static final String ERASE_DEVICE = "EraseDevice";
    /** Who the audit log names when no admin's action queued the wipe (it cannot happen through the API). */
    static final String SERVER_ACTOR = "jmdm";

    private final CertBindingStore bindings;
    private final CommandStore commands;
    private final HostStore hosts;
    private final AuditLog audit;
    private final Duration window;
    private final Clock clock;

    WipeRebind(CertBindingStore bindings, CommandStore commands, HostStore hosts, AuditLog audit, Duration window, Clock clock) {
        this.bindings = bindings;
        this.commands = commands;
        this.hosts = hosts;
        this.audit = audit;
        this.window = window;
        this.clock = clock;
    }

    @Override
    public void delivered(EnrollmentId id, CommandStore.Next command) {
        if (!ERASE_DEVICE.equals(command.requestType()) || !id.isDeviceChannel()) {
            return;
        }
        String device = id.deviceId();
        long now = clock.millis();
        long until = now + window.toMillis();
        boolean alreadyOpen = bindings.grant(device).filter(g -> REASON.equals(g.reason()) && g.activeAt(now)).isPresent();
        Optional<HostRecord> host = hosts.resolve(device);
        String actor = host.flatMap(h -> audit.actorOf(h.id(), command.commandUuid())).orElse(SERVER_ACTOR);
        // A delivery again (the device did not answer) moves the end of the window; it is one grant, audited once.
        bindings.allowRebind(device, REASON, actor, until);
        if (!alreadyOpen) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("reason", REASON);
            detail.put("expires_at", Instant.ofEpochMilli(until).toString());
            record(actor, "enrollments.certificate.wipe", host, device, command.commandUuid(), detail);
            LOG.info("EraseDevice {} delivered to {}: its next Authenticate may bring a new identity until {}", command.commandUuid(),
                    device, Instant.ofEpochMilli(until));
        }
    }

    @Override
    public void resultStored(EnrollmentId id, CommandReport report) {
        if (!id.isDeviceChannel() || (report.status() != CommandReport.Status.ERROR
                && report.status() != CommandReport.Status.COMMAND_FORMAT_ERROR)) {
            return;
        }
        boolean erase = commands.command(report.commandUuid()).filter(c -> ERASE_DEVICE.equals(c.requestType())).isPresent();
        if (erase && bindings.dropGrant(id.deviceId(), REASON)) {
            Optional<HostRecord> host = hosts.resolve(id.deviceId());
            record(SERVER_ACTOR, "enrollments.certificate.wipe.closed", host, id.deviceId(), report.commandUuid(),
                    Map.of("status", report.status().wire()));
            LOG.info("EraseDevice {} answered {} by {}: wipe re-bind grant closed", report.commandUuid(), report.status().wire(),
                    id.deviceId());
        }
    }

    private void record(String actor, String action, Optional<HostRecord> host, String device, String commandUuid, Map<String, ?> detail) {
        audit.record(actor, action, host.map(HostRecord::id).orElse(null), host.map(HostsApi::target).orElse(device), commandUuid, detail);
    }
}
