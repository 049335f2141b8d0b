package dev.jmdm.server.http;

import com.dd.plist.NSObject;
import dev.jmdm.server.plist.PlistCodec;
import dev.jmdm.server.plist.PlistJson;
import dev.jmdm.server.storage.QueueEntry;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** One queue entry as the API shows it, wherever commands are listed (queues, a command, a host's history). */
public final class QueueEntryJson {
    private QueueEntryJson() {
    }

    /** @param idKey what the enrollment id is called in this listing */
    public static Map<String, Object> of(QueueEntry q, String idKey, boolean withResult) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(idKey, q.enrollmentId());
        m.put("command_uuid", q.commandUuid());
        m.put("request_type", q.requestType());
        m.put("status", q.state());
        m.put("queued_at", Json.time(q.createdAt()));
        m.put("delivered_at", Json.time(q.deliveredAt()));
        m.put("delivery_count", q.deliveryCount());
        if (q.notNowTally() > 0) {
            m.put("not_now_at", Json.time(q.notNowAt()));
            m.put("not_now_tally", q.notNowTally());
        }
        m.put("result_at", Json.time(q.resultAt()));
        if (withResult && q.result() != null) {
            m.put("result", resultJson(q.result()));
        }
        return m;
    }

    /** The stored answer as JSON; an answer we cannot parse again is shown as base64 so nothing is hidden. */
    private static Object resultJson(byte[] raw) {
        try {
            NSObject parsed = PlistCodec.parse(raw);
            return PlistJson.toJsonValue(parsed);
        } catch (RuntimeException e) {
            return Map.of("raw_base64", Base64.getEncoder().encodeToString(raw));
        }
    }
}
