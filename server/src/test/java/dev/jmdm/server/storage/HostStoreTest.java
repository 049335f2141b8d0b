package dev.jmdm.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.protocol.CheckinMessage;
import dev.jmdm.server.protocol.EnrollmentId;
import dev.jmdm.server.protocol.Messages;
import dev.jmdm.server.testing.StoreFixture;
import dev.jmdm.server.testing.TestDatabases.Engine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HostStoreTest {
    static CheckinMessage.Authenticate authenticate(String udid, String serial) {
        String xml = "<?xml version=\"1.0\"?><plist><dict><key>MessageType</key><string>Authenticate</string>"
                + "<key>UDID</key><string>" + udid + "</string><key>Topic</key><string>com.apple.mgmt.External.x</string>"
                + (serial == null ? "" : "<key>SerialNumber</key><string>" + serial + "</string>")
                + "<key>ProductName</key><string>Mac14,2</string><key>OSVersion</key><string>15.1</string></dict></plist>";
        return (CheckinMessage.Authenticate) Messages.checkin(xml.getBytes(StandardCharsets.UTF_8));
    }

    private static long enroll(StoreFixture f, CheckinMessage.Authenticate auth) {
        EnrollmentId id = auth.enrollment().resolve();
        return f.database.jdbi().inTransaction(h -> {
            f.enrollments.storeAuthenticate(h, id, auth);
            return f.hosts.attach(h, id, auth);
        });
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aPreRegisteredSerialIsClaimedByItsEnrollmentAndReEnrollmentReusesTheHost(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            HostRecord pending = f.hosts.preRegister(List.of("C02PREREG01")).get(0);
            assertThat(pending.pendingEnrollment()).isTrue();
            String udid = UUID.randomUUID().toString();
            long host = enroll(f, authenticate(udid, "C02PREREG01"));
            assertThat(host).isEqualTo(pending.id());
            HostRecord enrolled = f.hosts.find(host).orElseThrow();
            assertThat(enrolled.pendingEnrollment()).isFalse();
            assertThat(enrolled.udid()).isEqualTo(udid);
            assertThat(enrolled.platform()).isEqualTo("macos");
            assertThat(enroll(f, authenticate(udid, "C02PREREG01"))).as("re-enrollment").isEqualTo(host);
            // Every kind of reference finds it.
            for (String ref : List.of(String.valueOf(host), udid, "C02PREREG01")) {
                assertThat(f.hosts.resolve(ref)).as(ref).map(HostRecord::id).contains(host);
            }
            assertThat(f.hosts.resolve("nothing-like-this")).isEmpty();
            // Pre-registering again does not duplicate.
            assertThat(f.hosts.preRegister(List.of("C02PREREG01"))).extracting(HostRecord::id).containsExactly(host);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void racingEnrollmentsOfOneMachineMakeOneHost(Engine engine) throws Exception {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            String udid = UUID.randomUUID().toString();
            String serial = "RACE" + udid.substring(0, 8);
            int racers = 6;
            ExecutorService pool = Executors.newFixedThreadPool(racers);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Long>> results = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    for (int attempt = 1; ; attempt++) {
                        try {
                            return enroll(f, authenticate(udid, serial));
                        } catch (HostStore.ConcurrentEnrollmentException e) {
                            if (attempt >= 3) {
                                throw e;
                            }
                        }
                    }
                }));
            }
            start.countDown();
            List<Long> ids = new ArrayList<>();
            for (Future<Long> r : results) {
                ids.add(r.get());
            }
            pool.shutdown();
            assertThat(ids).containsOnly(ids.get(0));
            Integer hosts = f.database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM hosts WHERE serial_number = :s")
                    .bind("s", serial).mapTo(Integer.class).one());
            assertThat(hosts).isEqualTo(1);
        }
    }

    /** Rows an admin or the features hung off each host before they turned out to be one machine. */
    private static void row(StoreFixture f, String sql, Object... values) {
        f.database.jdbi().useHandle(h -> {
            var u = h.createUpdate(sql);
            for (int i = 0; i < values.length; i++) {
                u.bind(i, values[i]);
            }
            u.execute();
        });
    }

    private static List<String> strings(StoreFixture f, String sql, long host) {
        return f.database.jdbi().withHandle(h -> h.createQuery(sql).bind(0, host).mapTo(String.class).list());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aSerialReportedLaterMergesTheEnrolledHostIntoThePreRegisteredOne(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            String udid = UUID.randomUUID().toString();
            long enrolled = enroll(f, authenticate(udid, null));
            long pre = f.hosts.preRegister(List.of("C02LATE0001")).get(0).id();
            assertThat(pre).isNotEqualTo(enrolled);
            for (long host : List.of(enrolled, pre)) {
                row(f, "INSERT INTO host_group_members (group_name, host_id) VALUES ('both', ?)", host);
                row(f, "INSERT INTO host_inventory (host_id, source, facts, collected_at) VALUES (?, 'device', ?, 1)", host,
                        host == enrolled ? "{\"from\":\"device\"}" : "{\"from\":\"stale\"}");
                row(f, "INSERT INTO profile_target_hosts (identifier, excluded, host_id) VALUES ('p1', FALSE, ?)", host);
                row(f, "INSERT INTO host_profiles (host_id, identifier, operation, status, updated_at) VALUES (?, 'p1', 'install', ?, 1)",
                        host, host == enrolled ? "verified" : "pending");
            }
            row(f, "INSERT INTO host_group_members (group_name, host_id) VALUES ('only-enrolled', ?)", enrolled);
            row(f, "INSERT INTO host_group_members (group_name, host_id) VALUES ('only-pre', ?)", pre);
            row(f, "INSERT INTO profile_target_hosts (identifier, excluded, host_id) VALUES ('p2', TRUE, ?)", enrolled);
            row(f, "INSERT INTO host_profile_lists (host_id, requested_at) VALUES (?, 5)", pre);

            long merged = enroll(f, authenticate(udid, "C02LATE0001"));

            assertThat(merged).isEqualTo(pre);
            assertThat(f.hosts.find(enrolled)).isEmpty();
            HostRecord host = f.hosts.find(pre).orElseThrow();
            assertThat(host.udid()).isEqualTo(udid);
            assertThat(host.deviceId()).isEqualTo(udid);
            assertThat(host.serialNumber()).isEqualTo("C02LATE0001");
            assertThat(host.pendingEnrollment()).isFalse();
            assertThat(strings(f, "SELECT group_name FROM host_group_members WHERE host_id = ? ORDER BY group_name", pre))
                    .containsExactly("both", "only-enrolled", "only-pre");
            assertThat(strings(f, "SELECT facts FROM host_inventory WHERE host_id = ?", pre)).containsExactly("{\"from\":\"device\"}");
            assertThat(strings(f, "SELECT identifier FROM profile_target_hosts WHERE host_id = ? ORDER BY identifier", pre))
                    .containsExactly("p1", "p2");
            assertThat(strings(f, "SELECT status FROM host_profiles WHERE host_id = ?", pre)).containsExactly("verified");
            assertThat(strings(f, "SELECT CAST(requested_at AS CHAR) FROM host_profile_lists WHERE host_id = ?", pre)).containsExactly("5");
            assertThat(strings(f, "SELECT id FROM devices WHERE host_id = ?", pre)).containsExactly(udid);
            for (String table : List.of("host_group_members", "host_inventory", "profile_target_hosts", "host_profiles", "devices")) {
                assertThat(strings(f, "SELECT CAST(host_id AS CHAR) FROM " + table + " WHERE host_id = ?", enrolled)).as(table).isEmpty();
            }
        }
    }
}
