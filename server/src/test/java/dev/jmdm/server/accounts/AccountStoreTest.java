package dev.jmdm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Role;
import dev.jmdm.server.testing.ManualClock;
import dev.jmdm.server.testing.StoreFixture;
import dev.jmdm.server.testing.TestDatabases.Engine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Users and sessions on both engines: the first admin, the last-admin guard, session ends, hashed tokens. */
class AccountStoreTest {
    private static final Duration IDLE = Duration.ofMinutes(30);
    private static final Duration MAX = Duration.ofHours(8);

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theFirstAdminIsCreatedOnlyWhileNoUserExists(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, new ManualClock(Instant.parse("2026-01-01T00:00:00Z")))) {
            UserStore users = new UserStore(f.database.jdbi(), new ManualClock(Instant.parse("2026-01-01T00:00:00Z")));
            assertThat(users.any()).isFalse();
            assertThat(users.createFirst("Admin@Example.com", "hash-1")).get().extracting(UserStore.User::email).isEqualTo("admin@example.com");
            // a restart with another password (or another email) in the variables changes nothing
            assertThat(users.createFirst("admin@example.com", "hash-2")).isEmpty();
            assertThat(users.createFirst("other@example.com", "hash-3")).isEmpty();
            assertThat(users.byEmail("ADMIN@example.com")).get().extracting(UserStore.User::passwordHash).isEqualTo("hash-1");
            assertThat(users.list()).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theLastAdminCanBeNeitherDemotedNorDeleted(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, new ManualClock(Instant.parse("2026-01-01T00:00:00Z")))) {
            UserStore users = new UserStore(f.database.jdbi(), new ManualClock(Instant.parse("2026-01-01T00:00:00Z")));
            UserStore.User admin = users.create("a@example.com", Role.ADMIN, "h");
            UserStore.User viewer = users.create("v@example.com", Role.VIEWER, "h");
            assertThatThrownBy(() -> users.create("A@example.com", Role.VIEWER, "h")).isInstanceOf(HttpError.class)
                    .extracting(e -> ((HttpError) e).status()).isEqualTo(409);
            assertThat(status(() -> users.update(admin.id(), new UserStore.Change(null, Role.OPERATOR, null)))).isEqualTo(409);
            assertThat(status(() -> users.delete(admin.id()))).isEqualTo(409);
            assertThat(status(() -> users.delete(99_999))).isEqualTo(404);
            users.update(viewer.id(), new UserStore.Change(null, Role.ADMIN, null));
            assertThat(users.update(admin.id(), new UserStore.Change(null, Role.VIEWER, null)).role()).isEqualTo(Role.VIEWER);
            assertThat(status(() -> users.delete(viewer.id()))).isEqualTo(409);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void twoAdminsDeletingEachOtherAtOnceLeaveOne(Engine engine) throws Exception {
        try (StoreFixture f = new StoreFixture(engine, new ManualClock(Instant.parse("2026-01-01T00:00:00Z")))) {
            UserStore users = new UserStore(f.database.jdbi(), new ManualClock(Instant.parse("2026-01-01T00:00:00Z")));
            for (int round = 0; round < 10; round++) {
                long a = users.create("a" + round + "@example.com", Role.ADMIN, "h").id();
                long b = users.create("b" + round + "@example.com", Role.ADMIN, "h").id();
                CyclicBarrier start = new CyclicBarrier(2);
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    List<Future<Integer>> results = new ArrayList<>();
                    for (long id : new long[] {a, b}) {
                        results.add(pool.submit(() -> {
                            start.await();
                            return status(() -> users.delete(id));
                        }));
                    }
                    List<Integer> statuses = new ArrayList<>();
                    for (Future<Integer> r : results) {
                        statuses.add(r.get());
                    }
                    assertThat(statuses).containsExactlyInAnyOrder(200, 409);
                } finally {
                    pool.shutdownNow();
                }
                assertThat(users.list().stream().filter(u -> u.role() == Role.ADMIN)).hasSize(1);
                users.list().forEach(u -> f.database.jdbi().useHandle(h -> h.execute("DELETE FROM users WHERE id = ?", u.id())));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void sessionsEndWhenIdleAtTheirAbsoluteEndAndOnSignOut(Engine engine) {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (StoreFixture f = new StoreFixture(engine, clock)) {
            UserStore users = new UserStore(f.database.jdbi(), clock);
            SessionStore sessions = new SessionStore(f.database.jdbi(), clock, IDLE, MAX);
            UserStore.User user = users.create("op@example.com", Role.OPERATOR, "h");

            SessionStore.Opened idle = sessions.open(user);
            // only the token's SHA-256 is stored
            String stored = f.database.jdbi().withHandle(h -> h.createQuery("SELECT token_sha256 FROM user_sessions WHERE id = :id")
                    .bind("id", idle.session().id()).mapTo(String.class).one());
            assertThat(stored).isEqualTo(SessionStore.sha256(idle.token())).isNotEqualTo(idle.token());
            assertThat(sessions.find(idle.token())).get().extracting(SessionStore.Session::role).isEqualTo(Role.OPERATOR);
            clock.advance(IDLE.minusMinutes(1));
            assertThat(sessions.find(idle.token())).isPresent(); // used: the idle clock starts again
            clock.advance(IDLE.minusMinutes(1));
            assertThat(sessions.find(idle.token())).isPresent();
            clock.advance(IDLE);
            assertThat(sessions.find(idle.token())).isEmpty();

            SessionStore.Opened busy = sessions.open(user);
            for (Duration used = Duration.ZERO; used.compareTo(MAX) < 0; used = used.plus(Duration.ofMinutes(20))) {
                assertThat(sessions.find(busy.token())).as("after %s", used).isPresent();
                clock.advance(Duration.ofMinutes(20));
            }
            assertThat(sessions.find(busy.token())).as("past the absolute end, however busy").isEmpty();

            SessionStore.Opened one = sessions.open(user);
            SessionStore.Opened two = sessions.open(user);
            SessionStore.Opened three = sessions.open(user);
            sessions.delete(one.session().id());
            assertThat(sessions.find(one.token())).isEmpty();
            assertThat(sessions.deleteAll(user.id(), three.session().id())).isEqualTo(1);
            assertThat(sessions.find(two.token())).isEmpty();
            assertThat(sessions.find(three.token())).isPresent();
            assertThat(sessions.find("not-a-token")).isEmpty();

            // a demotion applies to live sessions at once; deleting the user ends them
            users.update(user.id(), new UserStore.Change(null, Role.VIEWER, null));
            assertThat(sessions.find(three.token())).get().extracting(SessionStore.Session::role).isEqualTo(Role.VIEWER);
            users.delete(user.id());
            assertThat(sessions.find(three.token())).isEmpty();

            UserStore.User other = users.create("x@example.com", Role.VIEWER, "h");
            sessions.open(other);
            clock.advance(MAX);
            assertThat(sessions.purge()).isEqualTo(1);
        }
    }

    private interface Call {
        Object run();
    }

    private static int status(Call call) {
        try {
            call.run();
            return 200;
        } catch (HttpError e) {
            return e.status();
        }
    }
}
