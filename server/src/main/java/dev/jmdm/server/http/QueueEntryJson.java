package dev.jmdm.server.http;

import com.dd.plist.NSObject;
import dev.jmdm.server.plist.PlistCodec;
import dev.jmdm.server.plist.PlistJson;
import dev.jmdm.server.storage.QueueEntry;
import java.util.Base64;

/**
 * One queue entry as the API shows it, wherever commands are listed (queues, a command, a host's history).
 * The enrollment id is {@code id} in an enrollment's or a command's listing and {@code enrollment_id} in a
 * host's history: one of the two is set. {@code result} is the device's answer as JSON.
 */
public record QueueEntryJson(String id, String enrollmentId, String commandUuid, String requestType, String status, String queuedAt,
        String deliveredAt, int deliveryCount, String notNowAt, Integer notNowTally, String resultAt, Object result) {

    static QueueEntryJson byId(QueueEntry q, boolean withResult) {
        return of(q, q.enrollmentId(), null, withResult);
    }

    public static QueueEntryJson byEnrollmentId(QueueEntry q, boolean withResult) {
        return of(q, null, q.enrollmentId(), withResult);
    }

    private static QueueEntryJson of(QueueEntry q, String id, String enrollmentId, boolean withResult) {
        boolean notNow = q.notNowTally() > 0;
        return new QueueEntryJson(id, enrollmentId, q.commandUuid(), q.requestType(), q.state(), Json.time(q.createdAt()),
                Json.time(q.deliveredAt()), q.deliveryCount(), notNow ? Json.time(q.notNowAt()) : null, notNow ? q.notNowTally() : null,
                Json.time(q.resultAt()), withResult && q.result() != null ? resultJson(q.result()) : null);
    }

    /** The stored answer as JSON; an answer we cannot parse again is shown as base64 so nothing is hidden. */
    private static Object resultJson(byte[] raw) {
        try {
            NSObject parsed = PlistCodec.parse(raw);
            return PlistJson.toJsonValue(parsed);
        } catch (RuntimeException e) {
            return new RawResult(Base64.getEncoder().encodeToString(raw));
        }
    }

    /** A stored answer that no longer parses, as it was. */
    record RawResult(String rawBase64) {
    }
}
