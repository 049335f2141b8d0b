package dev.jmdm.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.jmdm.server.testing.StoreFixture;
import dev.jmdm.server.testing.TestDatabases.Engine;
import java.time.Clock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The one duplicate-key detector against the errors each engine really raises. */
class DuplicateKeyTest {
    @ParameterizedTest
    @EnumSource(Engine.class)
    void aUniqueKeyViolationIsADuplicateOnEitherEngine(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            f.database.jdbi().useHandle(h -> {
                h.execute("INSERT INTO hosts (serial_number, created_at, updated_at) VALUES ('DUP1', 0, 0)");
                Throwable e = catchThrowable(() -> h.execute("INSERT INTO hosts (serial_number, created_at, updated_at) VALUES ('DUP1', 0, 0)"));
                assertThat(e).isNotNull();
                assertThat(Sql.isDuplicateKey(e)).isTrue();
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anotherIntegrityViolationIsNot(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            f.database.jdbi().useHandle(h -> {
                // MariaDB reports this under SQLState 23000 too (error 1048), the class a duplicate shares.
                Throwable e = catchThrowable(() -> h.execute("INSERT INTO hosts (serial_number, created_at, updated_at) VALUES ('N1', NULL, 0)"));
                assertThat(e).isNotNull();
                assertThat(Sql.isDuplicateKey(e)).isFalse();
            });
        }
    }
}
