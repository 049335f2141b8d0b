package dev.jmdm.server.http;

import dev.jmdm.server.storage.EnrollmentRecord;
import java.util.List;
import java.util.Map;

/**
 * The answers of the core admin API (enqueue, push, enrollments, queues, commands) and of the
 * health endpoints, as {@link Json} writes them. Enqueue and push keep nanomdm's result shape.
 */
public final class AdminAnswers {
    private AdminAnswers() {
    }

    /** nanomdm's per-id outcome: one of the three fields is set. */
    public record IdStatus(String pushResult, String pushError, String commandError) {
        public static IdStatus pushed(String apnsId) {
            return new IdStatus(apnsId, null, null);
        }

        public static IdStatus pushFailed(String error) {
            return new IdStatus(null, error, null);
        }

        static IdStatus refused(String error) {
            return new IdStatus(null, null, error);
        }
    }

    /** nanomdm's enqueue and push result. */
    public record EnqueueResult(String commandUuid, String requestType, Map<String, IdStatus> status, Boolean noPush, String pushError,
            String commandError) {
    }

    /** Whether a push was asked for and what came of it; unwrapped into the answers that queue a command and push. */
    public record PushOutcome(Boolean noPush, Map<String, IdStatus> status, String pushError) {
        public static final PushOutcome NOT_PUSHED = new PushOutcome(true, null, null);
    }

    public record Enrollment(String id, String type, String deviceId, String serialNumber, String userId, String userShortName,
            String userLongName, String topic, boolean enabled, long tokenUpdateTally, String lastSeenAt, String createdAt) {
        static Enrollment of(EnrollmentRecord e) {
            return new Enrollment(e.id(), e.type(), e.deviceId(), e.serialNumber(), e.userId(), e.userShortName(), e.userLongName(),
                    e.topic(), e.enabled(), e.tokenUpdateTally(), Json.time(e.lastSeenAt()), Json.time(e.createdAt()));
        }
    }

    public record Enrollments(List<Enrollment> enrollments, String nextCursor) {
    }

    public record Queue(String id, List<QueueEntryJson> commands) {
    }

    public record Canceled(String id, String commandUuid, String status) {
    }

    public record CommandStatus(String commandUuid, String requestType, String createdAt, List<QueueEntryJson> enrollments) {
    }

    public record ServerVersion(String version) {
    }

    public record Health(String status) {
    }

    public record Readiness(String status, String database, List<String> warnings) {
    }

    /**
     * Apple's ErrorUnrecognizedDevice body: {@code code} makes the device unenroll, {@code description}
     * is for its logs. {@code error} repeats the reason so the body has this server's usual shape.
     */
    public record UnrecognizedDevice(String code, String description, String error) {
    }
}
