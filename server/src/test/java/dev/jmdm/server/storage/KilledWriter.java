package dev.jmdm.server.storage;

import dev.jmdm.server.config.Settings;
import dev.jmdm.server.protocol.Command;
import dev.jmdm.server.protocol.CommandReport;
import dev.jmdm.server.secrets.SecretBox;
import dev.jmdm.server.secrets.StoredSecrets;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The writer that {@link EmbeddedStoreKillTest} kills: enqueues commands and stores results through
 * {@link CommandStore} on the embedded file store from many threads, the way the server's drain does,
 * and prints one line for every call that returned, which is when the server would answer 200.
 */
final class KilledWriter {
    static final int ENROLLMENTS = 60;

    private KilledWriter() {
    }

    static String url(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("mdm") + ";" + Settings.EMBEDDED_URL_OPTIONS;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        Database db = Database.open(url(dir), threads);
        CommandStore store = new CommandStore(db.jdbi(), Clock.systemUTC(), new StoredSecrets(SecretBox.fromSecret("kill-test-secret-key")));
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> write(store, out), "writer-" + t);
            w.start();
        }
        Thread.sleep(Long.MAX_VALUE); // until the kill
    }

    private static void write(CommandStore store, PrintStream out) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] body = new byte[600];
        byte[] result = new byte[1800];
        while (true) {
            String enrollment = "e" + random.nextInt(ENROLLMENTS);
            String line;
            if (random.nextInt(3) == 0) {
                String uuid = UUID.randomUUID().toString();
                random.nextBytes(body);
                store.enqueue(new Command(uuid, "DeviceInformation", body), List.of(enrollment));
                line = "E " + uuid + " " + enrollment;
            } else {
                Optional<CommandStore.Next> next = store.deliverNext(enrollment, true);
                if (next.isEmpty()) {
                    continue;
                }
                random.nextBytes(result);
                String uuid = next.get().commandUuid();
                if (!store.storeReport(enrollment, new CommandReport(null, CommandReport.Status.ACKNOWLEDGED, uuid, result, null))) {
                    continue;
                }
                line = "R " + uuid + " " + enrollment;
            }
            synchronized (out) {
                out.println(line + " .");
                out.flush();
            }
        }
    }
}
