package dev.jmdm.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.protocol.CheckinMessage;
import dev.jmdm.server.protocol.EnrollmentId;
import dev.jmdm.server.protocol.Messages;
import dev.jmdm.server.push.PushResult;
import dev.jmdm.server.storage.QueueEntry;
import dev.jmdm.server.testing.StoreFixture;
import dev.jmdm.server.testing.TestDatabases.Engine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The periodic inventory on a real database: enrolled hosts get a first refresh spread over the
 * whole interval, due hosts get the three queries and a wakeup, and two servers sweeping at once
 * queue each host once. Time is moved by giving each "moment" its own fixed clock.
 */
class InventorySweepTest {
    static final Duration INTERVAL = Duration.ofHours(24);
    static final int HOSTS = 40;
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private final Set<String> pushed = ConcurrentHashMap.newKeySet();

    private InventoryCollector collector(StoreFixture f, Instant now) {
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        Wakeups.Pusher pusher = ids -> {
            pushed.addAll(ids);
            Map<String, PushResult> r = new LinkedHashMap<>();
            ids.forEach(id -> r.put(id, PushResult.sent("apns-" + id)));
            return r;
        };
        Wakeups wakeups = new Wakeups(pusher, new dev.jmdm.server.push.BackgroundPushes(pusher::push, () -> { }));
        return new InventoryCollector(new InventoryStore(f.database.jdbi(), new dev.jmdm.server.storage.HostStore(f.database.jdbi(), clock), clock), f.commands, wakeups, clock, INTERVAL);
    }

    private static String enroll(StoreFixture f) {
        String udid = UUID.randomUUID().toString().toUpperCase();
        String keys = "<key>UDID</key><string>" + udid + "</string><key>Topic</key><string>com.apple.mgmt.External.x</string>";
        var auth = (CheckinMessage.Authenticate) Messages.checkin(plist("<key>MessageType</key><string>Authenticate</string>" + keys
                + "<key>SerialNumber</key><string>S" + udid.substring(0, 8) + "</string><key>ProductName</key><string>Mac14,2</string>"));
        EnrollmentId id = auth.enrollment().resolve();
        f.authentications.authenticate(id, auth, bindings -> false);
        var token = (CheckinMessage.TokenUpdate) Messages.checkin(plist("<key>MessageType</key><string>TokenUpdate</string>" + keys
                + "<key>Token</key><data>AAECAw==</data><key>PushMagic</key><string>" + UUID.randomUUID() + "</string>"));
        f.enrollments.storeTokenUpdate(id, token);
        return udid;
    }

    private static byte[] plist(String dict) {
        return ("<?xml version=\"1.0\"?><plist><dict>" + dict + "</dict></plist>").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> pendingTypes(StoreFixture f, String udid) {
        return f.commands.pending(udid).stream().map(QueueEntry::requestType).toList();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void hostsAreRefreshedSpreadOverTheIntervalAndEachOnlyOnce(Engine engine) throws Exception {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            List<String> udids = new ArrayList<>();
            for (int i = 0; i < HOSTS; i++) {
                udids.add(enroll(f));
            }

            // First sweep: every host gets a schedule somewhere in the next interval, not all at once.
            collector(f, T0).sweep();
            List<Long> firsts = f.database.jdbi().withHandle(h -> h.createQuery(
                    "SELECT next_refresh_at FROM host_inventory_schedule").mapTo(Long.class).list());
            assertThat(firsts).hasSize(HOSTS)
                    .allSatisfy(t -> assertThat(t).isBetween(T0.toEpochMilli(), T0.plus(INTERVAL).toEpochMilli() - 1));
            Set<Long> quarters = new HashSet<>();
            firsts.forEach(t -> quarters.add((t - T0.toEpochMilli()) / INTERVAL.dividedBy(4).toMillis()));
            assertThat(quarters).as("first refreshes spread over the day").hasSize(4);

            // A day later all are due; two servers sweep at the same moment and each host is queued once.
            Instant later = T0.plus(INTERVAL);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> sweeps = new ArrayList<>();
                for (int s = 0; s < 2; s++) {
                    InventoryCollector server = collector(f, later);
                    sweeps.add(pool.submit(() -> {
                        go.await();
                        return server.sweep();
                    }));
                }
                go.countDown();
                assertThat(sweeps.get(0).get() + sweeps.get(1).get()).isEqualTo(HOSTS);
            } finally {
                pool.shutdownNow();
            }
            for (String udid : udids) {
                assertThat(pendingTypes(f, udid)).as(udid).containsExactly("DeviceInformation", "SecurityInfo", "InstalledApplicationList");
            }
            waitForPushes(udids);

            // The next refresh is one interval on, plus a fixed per-host offset of at most a tenth of it.
            List<Long> nexts = f.database.jdbi().withHandle(h -> h.createQuery(
                    "SELECT next_refresh_at FROM host_inventory_schedule").mapTo(Long.class).list());
            long base = later.plus(INTERVAL).toEpochMilli();
            assertThat(nexts).allSatisfy(t -> assertThat(t).isBetween(base, base + INTERVAL.toMillis() / 10));
            assertThat(new HashSet<>(nexts)).hasSizeGreaterThan(HOSTS / 2);

            // Sweeping again before then queues nothing; when due again with the queries still
            // unanswered, nothing piles up either.
            assertThat(collector(f, later.plusSeconds(60)).sweep()).isZero();
            assertThat(collector(f, later.plus(INTERVAL.multipliedBy(2))).sweep()).isZero();
            assertThat(pendingTypes(f, udids.get(0))).hasSize(3);
        }
    }

    private void waitForPushes(Collection<String> udids) throws InterruptedException {
        for (int i = 0; i < 100 && !pushed.containsAll(udids); i++) {
            Thread.sleep(20);
        }
        assertThat(pushed).containsAll(udids);
    }
}
