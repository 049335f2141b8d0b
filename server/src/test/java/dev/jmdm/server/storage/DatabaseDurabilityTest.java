package dev.jmdm.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.config.Settings;
import dev.jmdm.server.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Which statements wait for the disk on the embedded file store, and that nothing else does. */
class DatabaseDurabilityTest {
    @Test
    void writesWaitForAFlushReadsDoNot() throws Exception {
        Path dir = Files.createTempDirectory("jmdm-durable");
        String url = "jdbc:h2:file:" + dir.resolve("mdm") + ";" + Settings.EMBEDDED_URL_OPTIONS;
        try (Database db = Database.open(url, 4)) {
            var jdbi = db.jdbi();
            jdbi.useHandle(h -> h.execute("CREATE TABLE durable_probe (id INT PRIMARY KEY, v VARCHAR(10))"));
            long start = db.durableFlushes();
            jdbi.useHandle(h -> h.execute("INSERT INTO durable_probe VALUES (1, 'a')"));
            assertThat(db.durableFlushes()).as("an auto-commit write").isEqualTo(start + 1);
            jdbi.useTransaction(h -> {
                h.execute("INSERT INTO durable_probe VALUES (2, 'b')");
                h.createUpdate("UPDATE durable_probe SET v = 'c' WHERE id = :id").bind("id", 1).execute();
            });
            assertThat(db.durableFlushes()).as("one transaction of two writes: one flush, at commit").isEqualTo(start + 2);
            int rows = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM durable_probe").mapTo(Integer.class).one());
            assertThat(rows).isEqualTo(2);
            jdbi.useTransaction(h -> h.createQuery("SELECT v FROM durable_probe WHERE id = 1 FOR UPDATE").mapTo(String.class).one());
            assertThat(db.durableFlushes()).as("reads, in and out of transactions").isEqualTo(start + 2);
            try {
                jdbi.useTransaction(h -> {
                    h.execute("INSERT INTO durable_probe VALUES (3, 'd')");
                    throw new IllegalStateException("rolled back");
                });
            } catch (IllegalStateException expected) {
                // nothing committed, nothing to wait for
            }
            assertThat(db.durableFlushes()).as("a rollback").isEqualTo(start + 2);
        }
    }

    /** The in-memory store of the tests has nothing to flush; MySQL makes commits durable itself. */
    @ParameterizedTest
    @EnumSource(TestDatabases.Engine.class)
    void inMemoryAndMySqlStoresHaveNoBarrier(TestDatabases.Engine engine) {
        String url = TestDatabases.freshUrl(engine);
        try (Database db = Database.open(url, 2)) {
            db.jdbi().useHandle(h -> h.execute("CREATE TABLE durable_probe (id INT PRIMARY KEY)"));
            db.jdbi().useHandle(h -> h.execute("INSERT INTO durable_probe VALUES (1)"));
            assertThat(db.durableFlushes()).isZero();
        } finally {
            TestDatabases.drop(url);
        }
    }
}
