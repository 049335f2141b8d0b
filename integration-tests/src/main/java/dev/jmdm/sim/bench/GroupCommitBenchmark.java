package dev.jmdm.sim.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.jmdm.server.config.Settings;
import dev.jmdm.server.storage.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;

/**
 * What the embedded store's durability costs a writer, without the HTTP and CMS work that hides it in
 * the load benchmark: T threads each run N small write transactions (an INSERT and an UPDATE) on a new
 * H2 file store, once through {@link Database} (group commit, fsync) and once on a plain pool with
 * H2's defaults (write delay, no fsync), alternating for R rounds.
 * {@code java -cp mdm-bench.jar dev.jmdm.sim.bench.GroupCommitBenchmark T N R}
 */
public final class GroupCommitBenchmark {
    private GroupCommitBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int perThread = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        for (int r = 0; r < rounds; r++) {
            for (boolean durable : new boolean[] {false, true}) {
                Path dir = Files.createTempDirectory("mdm-group-commit");
                String url = "jdbc:h2:file:" + dir.resolve("mdm") + ";" + Settings.EMBEDDED_URL_OPTIONS;
                HikariDataSource plain = null;
                Database db = null;
                Jdbi jdbi;
                if (durable) {
                    db = Database.open(url, Database.DEFAULT_POOL_SIZE);
                    jdbi = db.jdbi();
                } else {
                    HikariConfig config = new HikariConfig();
                    config.setJdbcUrl(url);
                    config.setMaximumPoolSize(Database.DEFAULT_POOL_SIZE);
                    plain = new HikariDataSource(config);
                    jdbi = Jdbi.create(plain);
                }
                jdbi.useHandle(h -> h.execute("CREATE TABLE probe (id INT PRIMARY KEY, v VARCHAR(200))"));
                long flushesBefore = db == null ? 0 : db.durableFlushes();
                AtomicInteger ids = new AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                long start = System.nanoTime();
                for (int t = 0; t < threads; t++) {
                    pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            int id = ids.incrementAndGet();
                            jdbi.useTransaction(h -> {
                                h.execute("INSERT INTO probe VALUES (?, ?)", id, "x".repeat(150));
                                h.execute("UPDATE probe SET v = ? WHERE id = ?", "y", id);
                            });
                        }
                        return null;
                    });
                }
                pool.shutdown();
                pool.awaitTermination(1, TimeUnit.HOURS);
                double seconds = (System.nanoTime() - start) / 1e9;
                int n = threads * perThread;
                System.out.printf("round %d %-9s %d transactions in %.2f s = %.0f/s, %.2f ms each, %d fsyncs%n", r,
                        durable ? "durable" : "h2-default", n, seconds, n / seconds, seconds * 1000 * threads / n,
                        db == null ? 0 : db.durableFlushes() - flushesBefore);
                if (db != null) {
                    db.close();
                } else {
                    plain.close();
                }
                TempDirs.deleteQuietly(dir);
            }
        }
    }
}
