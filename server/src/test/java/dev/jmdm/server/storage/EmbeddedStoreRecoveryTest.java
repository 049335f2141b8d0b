package dev.jmdm.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What {@code kill -9} leaves of the embedded store, without killing anything: the file as it is once a commit has
 * returned is exactly what a killed server leaves behind (the operating system keeps every write the process made),
 * so a copy of it taken after each commit must reopen with that commit in it. Before {@link H2FileSync} pointed the
 * store header at the newest chunk, 17 of these 40 copies (62 of 150 in a longer run) reopened without their commit on H2 2.5.252.
 */
class EmbeddedStoreRecoveryTest {
    static final int COMMITS = 40;

    @Test
    void aCopyOfTheFileTakenAfterACommitReopensWithThatCommit() throws Exception {
        Path dir = Files.createTempDirectory("jmdm-recovery");
        Path snapshot = Files.createDirectories(dir.resolve("snapshot"));
        Random random = new Random(42);
        List<String> lost = new ArrayList<>();
        // RETENTION_TIME=0 frees dead chunks at once, as a store does after 45 s of use: new chunks then land in gaps.
        try (Database db = Database.open(KilledWriter.url(dir.resolve("live")) + ";RETENTION_TIME=0", 2)) {
            db.jdbi().useHandle(h -> h.execute("CREATE TABLE probe (id INT PRIMARY KEY, payload VARBINARY(65536) NOT NULL)"));
            for (int i = 1; i <= COMMITS; i++) {
                int id = i;
                byte[] payload = new byte[100 + random.nextInt(random.nextBoolean() ? 500 : 30_000)];
                random.nextBytes(payload);
                int rewrite = 1 + random.nextInt(i);
                db.jdbi().useTransaction(h -> {
                    h.createUpdate("INSERT INTO probe VALUES (:id, :p)").bind("id", id).bind("p", payload).execute();
                    h.createUpdate("UPDATE probe SET payload = :p WHERE id = :id").bind("id", rewrite).bind("p", payload).execute();
                });
                Files.copy(dir.resolve("live").resolve("mdm.mv.db"), snapshot.resolve("mdm.mv.db"), StandardCopyOption.REPLACE_EXISTING);
                int recovered = newestRow(snapshot);
                if (recovered != id) {
                    lost.add("after commit " + id + " the file reopens at row " + recovered);
                }
            }
        }
        assertThat(lost).as("commits missing from the file a kill would leave").isEmpty();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        }
    }

    private static int newestRow(Path snapshot) throws Exception {
        try (Connection c = DriverManager.getConnection(KilledWriter.url(snapshot));
                ResultSet rs = c.createStatement().executeQuery("SELECT MAX(id) FROM probe")) {
            rs.next();
            return rs.getInt(1);
        } finally {
            Files.deleteIfExists(snapshot.resolve("mdm.mv.db"));
        }
    }
}
