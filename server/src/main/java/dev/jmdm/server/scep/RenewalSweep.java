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

    private final IssuedCertificateStore issued;
    private final BiFunction<String, Duration, byte[]> profiles;
    private final CommandStore commands;
    private final Consumer<List<String>> push;
    private final Duration renewBefore;
    private final Clock clock;

    /**
     * @param profiles a signed enrollment profile bound to the device, its challenge good for the given time
     * @param push     wakes the devices whose renewal was queued
     */
    RenewalSweep(IssuedCertificateStore issued, BiFunction<String, Duration, byte[]> profiles, CommandStore commands, Consumer<List<String>> push,
            Duration renewBefore, Clock clock) {
        this.issued = issued;
        this.profiles = profiles;
        this.commands = commands;
        this.push = push;
        this.renewBefore = renewBefore;
        this.clock = clock;
    }

    /** Queues a renewal for every bound, unrevoked certificate issued here that ends within the window; returns how many. */
    int run() {
        int queued = 0;
        while (true) {
            long now = clock.millis();
            List<IssuedCertificateStore.DueRenewal> due = issued.dueForRenewal(now, now + renewBefore.toMillis(), BATCH);
            if (due.isEmpty()) {
                return queued;
            }
            List<String> woken = new ArrayList<>();
            for (IssuedCertificateStore.DueRenewal d : due) {
                if (!issued.claimRenewal(d.serial(), now)) {
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
