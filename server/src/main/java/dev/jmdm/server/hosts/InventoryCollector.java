package dev.jmdm.server.hosts;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import dev.jmdm.server.device.DeviceEvents;
import dev.jmdm.server.plist.PlistCodec;
import dev.jmdm.server.protocol.Command;
import dev.jmdm.server.protocol.CommandReport;
import dev.jmdm.server.protocol.EnrollmentId;
import dev.jmdm.server.storage.CommandStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every host's inventory: queues the queries on a device channel's first TokenUpdate, on
 * refetch, and when a host is due (interval plus a per-host offset, so hosts enrolled together do
 * not all refresh together); turns answers into facts. An Error or NotNow keeps the old facts
 * and records the failure.
 */
final class InventoryCollector implements DeviceEvents.TokenUpdated, DeviceEvents.Answered {
    private static final Logger LOG = LoggerFactory.getLogger(InventoryCollector.class);
    /** Hosts claimed per batch; a sweep runs batches until fewer are due (at most MAX_BATCHES). */
    static final int BATCH = 200;
    static final int MAX_BATCHES = 10;

    /** The DeviceInformation queries of an inventory: what admins look for, valid on iOS and macOS. */
    static final List<String> QUERIES = List.of("UDID", "SerialNumber", "DeviceName", "HostName", "LocalHostName", "Model",
            "ModelName", "ModelNumber", "ProductName", "IsAppleSilicon", "OSVersion", "BuildVersion", "SupplementalBuildVersion",
            "DeviceCapacity", "AvailableDeviceCapacity", "BatteryLevel", "IsSupervised", "IsMultiUser", "IsActivationLockEnabled",
            "IsDeviceLocatorServiceEnabled", "IsMDMLostModeEnabled", "AwaitingConfiguration", "SystemIntegrityProtectionEnabled",
            "WiFiMAC", "BluetoothMAC", "EthernetMAC", "IMEI", "MEID", "ICCID", "PhoneNumber", "CurrentCarrierNetwork", "TimeZone");

    private final InventoryStore store;
    private final CommandStore commands;
    private final Wakeups wakeups;
    private final Clock clock;
    private final Duration interval;

    InventoryCollector(InventoryStore store, CommandStore commands, Wakeups wakeups, Clock clock, Duration interval) {
        this.store = store;
        this.commands = commands;
        this.wakeups = wakeups;
        this.clock = clock;
        this.interval = interval;
    }

    /** The three inventory commands, fresh UUIDs each time. */
    static List<Command> inventoryCommands() {
        NSArray queries = new NSArray(QUERIES.size());
        for (int i = 0; i < QUERIES.size(); i++) {
            queries.setValue(i, new NSString(QUERIES.get(i)));
        }
        return List.of(CommandBuilder.build("DeviceInformation", Map.<String, NSObject>of("Queries", queries)),
                CommandBuilder.build("SecurityInfo", Map.of()),
                CommandBuilder.build("InstalledApplicationList", Map.of()));
    }

    /** Queues the queries for a host's device channel and schedules the next refresh. Returns the commands. */
    List<Command> request(long hostId, String deviceId) {
        List<Command> queued = new ArrayList<>();
        for (Command c : inventoryCommands()) {
            commands.enqueue(c, List.of(deviceId));
            queued.add(c);
        }
        store.requested(hostId, nextRefresh(hostId));
        return queued;
    }

    /** When a host is due next: one interval on, plus an offset of up to a tenth of it, fixed per host. */
    long nextRefresh(long hostId) {
        if (interval.isZero()) {
            return Long.MAX_VALUE;
        }
        long spread = Math.max(1, interval.toMillis() / 10);
        return clock.millis() + interval.toMillis() + Math.floorMod(mix(hostId), spread);
    }

    /** A first refresh for hosts that have none, spread across a whole interval. */
    long firstRefresh(long hostId) {
        return interval.isZero() ? Long.MAX_VALUE : clock.millis() + Math.floorMod(mix(hostId), interval.toMillis());
    }

    private static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        return x ^ (x >>> 33);
    }

    @Override
    public void tokenUpdated(EnrollmentId id, int tally) {
        if (tally != 1 || !id.isDeviceChannel()) {
            return;
        }
        try {
            Optional<Long> host = store.hostOfDevice(id.deviceId());
            if (host.isEmpty()) {
                return;
            }
            request(host.get(), id.deviceId());
            wakeups.pushLater(List.of(id.deviceId()));
            LOG.info("queued inventory for host {} ({}) after enrollment", host.get(), id.deviceId());
        } catch (RuntimeException e) {
            // The device's check-in succeeded whatever happens here; the sweep catches up.
            LOG.warn("could not queue inventory for {}: {}", id.id(), e.getMessage(), e);
        }
    }

    @Override
    public void resultStored(EnrollmentId id, CommandReport report) {
        if (!id.isDeviceChannel()) {
            return;
        }
        try {
            if (report.status() == CommandReport.Status.ACKNOWLEDGED) {
                Optional<InventoryParser.Parsed> parsed = InventoryParser.parse(report.body());
                if (parsed.isPresent()) {
                    AppListQuery query = InventoryParser.APPS.equals(parsed.get().source()) ? appListQuery(report.commandUuid())
                            : AppListQuery.FULL;
                    store.hostOfDevice(id.deviceId()).ifPresent(host -> store.store(host, parsed.get(), report.commandUuid(), query));
                }
                return;
            }
            Optional<String> type = store.inventoryRequestType(report.commandUuid());
            if (type.isPresent()) {
                String failure = report.status().wire() + " to " + type.get() + errorText(report);
                store.hostOfDevice(id.deviceId()).ifPresent(host -> store.failed(host, failure));
            }
        } catch (RuntimeException e) {
            LOG.warn("could not store inventory from {}: {}", id.id(), e.getMessage(), e);
        }
    }

    /** What the answered InstalledApplicationList asked for; a command that is gone counts as unfiltered. */
    private AppListQuery appListQuery(String commandUuid) {
        return commands.command(commandUuid)
                .map(c -> PlistCodec.parseDictionary(c.command()).get("Command"))
                .filter(NSDictionary.class::isInstance)
                .map(c -> AppListQuery.of((NSDictionary) c))
                .orElse(AppListQuery.FULL);
    }

    private static String errorText(CommandReport report) {
        if (report.body().get("ErrorChain") instanceof NSArray chain && chain.count() > 0
                && chain.objectAtIndex(0) instanceof com.dd.plist.NSDictionary first) {
            NSObject d = first.get("LocalizedDescription");
            NSObject code = first.get("ErrorCode");
            NSObject domain = first.get("ErrorDomain");
            return ": " + (domain == null ? "" : domain + " ") + (code == null ? "" : code + " ") + (d == null ? "" : d);
        }
        return "";
    }

    /** One sweep: new hosts get a schedule, due hosts get the queries. Returns how many hosts were queued. */
    int sweep() {
        if (interval.isZero()) {
            return 0;
        }
        store.backfill(BATCH, this::firstRefresh);
        int queued = 0;
        for (int batch = 0; batch < MAX_BATCHES; batch++) {
            List<InventoryStore.Due> due = store.claimDue(BATCH, this::nextRefresh);
            List<String> wake = new ArrayList<>();
            for (InventoryStore.Due d : due) {
                if (d.deviceId() == null || store.inventoryPending(d.deviceId())) {
                    continue;
                }
                for (Command c : inventoryCommands()) {
                    commands.enqueue(c, List.of(d.deviceId()));
                }
                wake.add(d.deviceId());
            }
            queued += wake.size();
            if (!wake.isEmpty()) {
                wakeups.pushLater(wake);
            }
            if (due.size() < BATCH) {
                break;
            }
        }
        if (queued > 0) {
            LOG.info("queued inventory refresh for {} host(s)", queued);
        }
        return queued;
    }
}
