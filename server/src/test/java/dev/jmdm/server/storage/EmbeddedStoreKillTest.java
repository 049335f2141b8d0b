package dev.jmdm.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.secrets.SecretBox;
import dev.jmdm.server.secrets.StoredSecrets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of a process writing to the embedded store, again and again on the same file, with a clean open
 * and close in between as a restart does: every enqueue and result whose call returned (the server's 200) must be
 * there when the store is reopened. Rounds after the first write into the gaps the clean close left, where H2
 * 2.5.25x lost answered writes (see {@link H2FileSync}). {@code -Djmdm.killRounds=N} runs more rounds.
 */
class EmbeddedStoreKillTest {
    static final int ROUNDS = Integer.getInteger("jmdm.killRounds", 3);
    static final int THREADS = 16;

    @Test
    void everyReturnedWriteSurvivesAKill() throws Exception {
        Path dir = Files.createTempDirectory("jmdm-kill");
        List<String> lost = new ArrayList<>();
        int checked = 0;
        for (int round = 0; round < ROUNDS && lost.isEmpty(); round++) {
            List<String> returned = runAndKill(dir, ThreadLocalRandom.current().nextInt(20, 400));
            Path killed = dir.resolve("round-" + round + "-killed.mv.db"); // kept for a post-mortem when something is lost
            Files.copy(dir.resolve("mdm.mv.db"), killed);
            try (Database db = Database.open(KilledWriter.url(dir), 2)) {
                CommandStore store = new CommandStore(db.jdbi(), Clock.systemUTC(), new StoredSecrets(SecretBox.fromSecret("kill-test-secret-key")));
                for (String line : returned) {
                    String[] f = line.split(" ");
                    checked++;
                    String problem = problem(store, f[0].equals("R"), f[1], f[2]);
                    if (problem != null) {
                        lost.add("round " + round + ": " + line + " → " + problem + " (file as killed: " + killed + ")");
                    }
                }
            }
        }
        assertThat(checked).as("writes that returned before a kill").isPositive();
        assertThat(lost).as("writes that returned before the kill and are gone").isEmpty();
        deleteTree(dir);
    }

    /** What is wrong with a write after the restart, read as GET /v1/commands/{uuid} reads it; null when it is all there. */
    private static String problem(CommandStore store, boolean result, String uuid, String enrollment) {
        try {
            if (store.command(uuid).isEmpty()) {
                return "no command row";
            }
            for (QueueEntry q : store.entries(uuid)) {
                if (q.enrollmentId().equals(enrollment)) {
                    return !result || "Acknowledged".equals(q.status()) && q.result() != null ? null : "status " + q.status();
                }
            }
            return "no queue entry";
        } catch (RuntimeException e) {
            return "unreadable: " + e;
        }
    }

    /** Starts a writer, kills it (SIGKILL) once that many writes have returned, and returns every line it printed whole. */
    private static List<String> runAndKill(Path dir, int writes) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), KilledWriter.class.getName(), dir.toString(), String.valueOf(THREADS))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        CountDownLatch enough = new CountDownLatch(writes);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.endsWith(" .")) { // whole: the kill may cut the last line short
                        lines.add(line.substring(0, line.length() - 2));
                        enough.countDown();
                    }
                }
            } catch (IOException cut) {
                // the kill
            }
        });
        reader.start();
        try {
            assertThat(enough.await(2, TimeUnit.MINUTES)).as("writes returned before the kill").isTrue();
        } finally {
            p.destroyForcibly().waitFor();
            reader.join();
        }
        return lines;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        }
    }
}
