package dev.jmdm.server.hosts;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.jmdm.server.http.AdminAnswers.PushOutcome;
import dev.jmdm.server.http.QueueEntryJson;
import dev.jmdm.server.storage.HostRecord;
import java.util.List;
import java.util.Map;

/** The host API's answers (hosts, inventory, apps, history, PINs, audit, commands, actions), as records. */
final class HostAnswers {
    private HostAnswers() {
    }

    record Host(long id, String serialNumber, String udid, String enrollmentId, String status, String enrollmentType, String platform,
            String productName, String osVersion, String deviceName, String enrolledAt, String lastSeenAt, String createdAt,
            List<String> groups) {
        static Host of(HostView v, List<String> groups) {
            HostRecord h = v.host();
            return new Host(h.id(), h.serialNumber(), h.udid(), h.deviceId(), v.status(), v.enrollmentType(), h.platform(),
                    h.productName(), h.osVersion(), h.deviceName(), ApiJson.time(h.enrolledAt()), ApiJson.time(v.lastSeenAt()),
                    ApiJson.time(h.createdAt()), groups);
        }
    }

    record Hosts(List<Host> hosts, String nextCursor) {
    }

    /** One enrollment channel of a host's devices. */
    record Channel(String id, String type, boolean enabled, String lastSeenAt, String userShortName, String createdAt) {
    }

    record HostDetail(@JsonUnwrapped Host host, boolean unlockTokenPresent, List<Channel> enrollments, InventorySummary inventory) {
    }

    record Forgotten(long id, boolean deleted) {
    }

    record Failure(String reason, String at) {
    }

    /** When inventory was last asked for and is next due; unwrapped into the inventory answers. */
    record Schedule(String lastRequestedAt, String nextRefreshAt, Failure lastFailure) {
        static final Schedule NONE = new Schedule(null, null, null);
    }

    /** The few facts a host page shows at a glance, each source with its age. */
    record InventorySummary(String model, String osVersion, String osBuild, Number capacityGb, Number availableGb, Number batteryPercent,
            Boolean supervised, String deviceCollectedAt, Long deviceAgeSeconds, Boolean passcodePresent, Boolean filevaultEnabled,
            Boolean sipEnabled, Boolean firewallEnabled, String securityCollectedAt, Long securityAgeSeconds, Integer appCount,
            String appsCollectedAt, Long appsAgeSeconds, @JsonUnwrapped Schedule schedule) {
    }

    /** One inventory source: its facts, or for apps only how many (GET …/apps lists them). */
    record Source(String collectedAt, long ageSeconds, String commandUuid, Integer count, Map<String, Object> facts) {
    }

    record Inventory(long hostId, Source device, Source security, Source apps, @JsonUnwrapped Schedule schedule) {
    }

    record Apps(long hostId, String collectedAt, Long ageSeconds, List<?> apps) {
    }

    record Refetch(long hostId, List<String> commandUuids, @JsonUnwrapped PushOutcome push) {
    }

    record History(long hostId, List<QueueEntryJson> commands, String nextCursor) {
    }

    record Pin(String commandUuid, String requestType, String pin, String pinError, String actor, String createdAt) {
    }

    record Pins(long hostId, List<Pin> pins) {
    }

    record AuditEntry(long id, String at, String actor, String action, Long hostId, String target, String commandUuid,
            Map<String, Object> detail) {
    }

    record AuditEntries(List<AuditEntry> entries, String nextCursor) {
    }

    record Target(long hostId, String enrollmentId) {
    }

    /** POST /v1/commands. */
    record CommandQueued(String commandUuid, String requestType, List<Target> hosts, @JsonUnwrapped PushOutcome push) {
    }

    /** POST /v1/hosts/{id}/{action}: lock, wipe, restart, … */
    record ActionQueued(String commandUuid, String requestType, long hostId, String enrollmentId, String pin,
            @JsonUnwrapped PushOutcome push) {
    }

    record Certificate(String sha256, String notAfter, String boundAt) {
    }

    record RebindGrant(String reason, String grantedBy, String grantedAt, String expiresAt) {
    }

    /** An enrollment's certificate binding; {@code released_sha256} only in the answer to a release. */
    record CertificateState(String deviceId, Certificate certificate, RebindGrant rebindGrant, String releasedSha256) {
    }
}
