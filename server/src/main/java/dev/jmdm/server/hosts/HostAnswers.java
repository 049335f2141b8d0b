package dev.jmdm.server.hosts;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.jmdm.server.http.AdminAnswers.PushOutcome;
import dev.jmdm.server.http.QueueEntryJson;
import dev.jmdm.server.storage.HostRecord;
import java.util.List;
import java.util.Map;

/** The host API's answers (hosts, inventory, apps, history, PINs, audit, commands, actions), as records. */
public final class HostAnswers {
    private HostAnswers() {
    }

    public record Host(long id, String serialNumber, String udid, String enrollmentId, String status, String enrollmentType, String platform,
            String productName, String osVersion, String deviceName, String enrolledAt, String lastSeenAt, String createdAt,
            List<String> groups, Ade ade) {
        static Host of(HostView v, List<String> groups, Ade ade) {
            HostRecord h = v.host();
            return new Host(h.id(), h.serialNumber(), h.udid(), h.deviceId(), v.status(), v.enrollmentType(), h.platform(),
                    h.productName(), h.osVersion(), h.deviceName(), ApiJson.time(h.enrolledAt()), ApiJson.time(v.lastSeenAt()),
                    ApiJson.time(h.createdAt()), groups, ade);
        }
    }

    /**
     * What Apple Business Manager says of the host's machine when ABM assigned it to this server (Automated Device
     * Enrollment): absent otherwise. disowned_at: when ABM gave it up (a host that never enrolled is removed then).
     */
    public record Ade(String token, String model, String description, String color, String deviceFamily, String assignedAt,
            String assignedBy, String profile, String profileStatus, String disownedAt) {
    }

    public record Hosts(List<Host> hosts, String nextCursor) {
    }

    /** One enrollment channel of a host's devices. */
    public record Channel(String id, String type, boolean enabled, String lastSeenAt, String userShortName, String createdAt) {
    }

    public record HostDetail(@JsonUnwrapped Host host, boolean unlockTokenPresent, List<Channel> enrollments, InventorySummary inventory,
            Setup setup) {
    }

    /**
     * Where a Setup Assistant (ADE) enrollment stands: enrolling (profile handed out), enrolled (no Await Device
     * Configured), awaiting, running, configured; step of of: setup steps done, DeviceConfigured the last.
     */
    public record Setup(String state, int step, int of, String profile, String error, String updatedAt) {
    }

    public record Forgotten(long id, boolean deleted) {
    }

    public record Failure(String reason, String at) {
    }

    /** When inventory was last asked for and is next due; unwrapped into the inventory answers. */
    public record Schedule(String lastRequestedAt, String nextRefreshAt, Failure lastFailure) {
        static final Schedule NONE = new Schedule(null, null, null);
    }

    /** The few facts a host page shows at a glance, each source with its age. */
    public record InventorySummary(String model, String osVersion, String osBuild, Number capacityGb, Number availableGb, Number batteryPercent,
            Boolean supervised, String deviceCollectedAt, Long deviceAgeSeconds, Boolean passcodePresent, Boolean filevaultEnabled,
            Boolean sipEnabled, Boolean firewallEnabled, String securityCollectedAt, Long securityAgeSeconds, Integer appCount,
            String appsCollectedAt, Long appsAgeSeconds, @JsonUnwrapped Schedule schedule) {
    }

    /** One inventory source: its facts, or for apps only how many (GET …/apps lists them). */
    public record Source(String collectedAt, long ageSeconds, String commandUuid, Integer count, Map<String, Object> facts) {
    }

    public record Inventory(long hostId, Source device, Source security, Source apps, @JsonUnwrapped Schedule schedule) {
    }

    public record Apps(long hostId, String collectedAt, Long ageSeconds, List<?> apps) {
    }

    public record Refetch(long hostId, List<String> commandUuids, @JsonUnwrapped PushOutcome push) {
    }

    public record History(long hostId, List<QueueEntryJson> commands, String nextCursor) {
    }

    public record Pin(String commandUuid, String requestType, String pin, String pinError, String actor, String createdAt) {
    }

    public record Pins(long hostId, List<Pin> pins) {
    }

    public record AuditEntry(long id, String at, String actor, String action, Long hostId, String target, String commandUuid,
            Map<String, Object> detail) {
    }

    public record AuditEntries(List<AuditEntry> entries, String nextCursor) {
    }

    /** POST /v1/audit: the entry a client wrote, with the actor the server took from its key. */
    public record AuditNoted(String action, String actor) {
    }

    public record Target(long hostId, String enrollmentId) {
    }

    /** POST /v1/commands. */
    public record CommandQueued(String commandUuid, String requestType, List<Target> hosts, @JsonUnwrapped PushOutcome push) {
    }

    /** POST /v1/hosts/{id}/{action}: lock, wipe, restart, … */
    public record ActionQueued(String commandUuid, String requestType, long hostId, String enrollmentId, String pin,
            @JsonUnwrapped PushOutcome push) {
    }

    public record Certificate(String sha256, String notAfter, String boundAt) {
    }

    public record RebindGrant(String reason, String grantedBy, String grantedAt, String expiresAt) {
    }

    /** An enrollment's certificate binding; {@code released_sha256} only in the answer to a release. */
    public record CertificateState(String deviceId, Certificate certificate, RebindGrant rebindGrant, String releasedSha256) {
    }
}
