package dev.jmdm.server.scep;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import dev.jmdm.server.protocol.Command;
import dev.jmdm.server.storage.CommandStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews SCEP identities before they expire, Apple's documented way: an {@code InstallProfile} of a fresh enrollment
 * profile (same identifier, so it replaces the installed one) whose challenge is bound to the device, queued
 * {@code MDM_RENEW_BEFORE} ahead of the bound certificate's end. The device then Authenticates with the new
 * certificate, which the binder accepts for that device as the same enrollment. Each certificate is claimed with a
 * conditional UPDATE, so servers sharing a database queue one renewal per certificate.
 */
final class RenewalSweep {
    private static final Logger LOG = LoggerFactory.getLogger(RenewalSweep.class);
    /** Certificates handled per query; the sweep repeats until none is due. */
    static final int BATCH = 100;

    private final Jdbi jdbi;
    private final BiFunction<String, Duration, byte[]> profiles;
    private final CommandStore commands;
    private final Consumer<List<String>> push;
    private final Duration renewBefore;
    private final Clock clock;

    /**
     * @param profiles a signed enrollment profile bound to the device, its challenge good for the given time
     * @param push     wakes the devices whose renewal was queued
     */
    RenewalSweep(Jdbi jdbi, BiFunction<String, Duration, byte[]> profiles, CommandStore commands, Consumer<List<String>> push,
            Duration renewBefore, Clock clock) {
        this.jdbi = jdbi;
        this.profiles = profiles;
        this.commands = commands;
        this.push = push;
        this.renewBefore = renewBefore;
        this.clock = clock;
    }

    private record Due(String serial, String udid, long notAfter) {
    }

    /** Queues a renewal for every bound, unrevoked certificate issued here that ends within the window; returns how many. */
    int run() {
        int queued = 0;
        while (true) {
            long now = clock.millis();
            List<Due> due = jdbi.withHandle(h -> h.createQuery("""
                    SELECT c.serial, c.udid, c.not_after FROM scep_certificates c
                    JOIN cert_bindings b ON b.cert_sha256 = c.cert_sha256 AND b.device_id = c.udid
                    WHERE c.revoked_at IS NULL AND c.renewal_queued_at IS NULL AND c.not_after <= :due AND c.not_after > :now
                    ORDER BY c.not_after LIMIT :batch""")
                    .bind("due", now + renewBefore.toMillis()).bind("now", now).bind("batch", BATCH)
                    .map((rs, ctx) -> new Due(rs.getString(1), rs.getString(2), rs.getLong(3))).list());
            if (due.isEmpty()) {
                return queued;
            }
            List<String> woken = new ArrayList<>();
            for (Due d : due) {
                if (!claim(d.serial(), now)) {
                    continue; // another server has it
                }
                // The challenge lasts until the old certificate ends: the device may be offline until then.
                byte[] profile = profiles.apply(d.udid(), Duration.ofMillis(Math.max(d.notAfter() - now, ScepChallenges.TTL.toMillis())));
                commands.enqueue(installProfile(profile), List.of(d.udid()));
                woken.add(d.udid());
                LOG.info("queued the renewal of {}'s SCEP certificate {} (ends {})", d.udid(), d.serial(), java.time.Instant.ofEpochMilli(d.notAfter()));
            }
            queued += woken.size();
            if (!woken.isEmpty()) {
                push.accept(woken);
            }
        }
    }

    private boolean claim(String serial, long now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE scep_certificates SET renewal_queued_at = :now WHERE serial = :s AND renewal_queued_at IS NULL""")
                .bind("now", now).bind("s", serial).execute()) == 1;
    }

    static Command installProfile(byte[] profile) {
        String uuid = UUID.randomUUID().toString();
        NSDictionary inner = new NSDictionary();
        inner.put("RequestType", "InstallProfile");
        inner.put("Payload", new NSData(profile));
        NSDictionary envelope = new NSDictionary();
        envelope.put("CommandUUID", uuid);
        envelope.put("Command", inner);
        return new Command(uuid, "InstallProfile", envelope.toXMLPropertyList().getBytes(StandardCharsets.UTF_8));
    }
}
