package dev.jmdm.server;

import dev.jmdm.server.config.Settings;
import dev.jmdm.server.config.SettingsParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code java -XX:ArchiveClassesAtExit=mdm-server.jsa -cp mdm-server.jar dev.jmdm.server.TrainingRun}: starts the
 * server once on a throwaway data directory, asks {@code /readyz}, and stops, so that the JVM writes the classes a start
 * loads to a class-data archive. Later starts with {@code -XX:SharedArchiveFile=mdm-server.jsa} map those classes
 * instead of loading and verifying them again: about 40 % less start-up CPU (docs/benchmarks.md, "Start-up and memory").
 * The build runs it ({@code server/pom.xml}), and so does the service file before a start with a newer jar.
 *
 * <p>It reads neither the environment nor flags: the real settings, store and port are never touched.
 */
public final class TrainingRun {
    private TrainingRun() {
    }

    public static void main(String[] args) throws IOException {
        Path dataDir = Files.createTempDirectory("jmdm-training");
        try {
            Settings settings = SettingsParser.parse(new String[0], Map.of(
                    "MDM_DATA_DIR", dataDir.toString(),
                    "MDM_LISTEN", "127.0.0.1:0",
                    "MDM_LOG_LEVEL", "ERROR",
                    "MDM_API_KEY", UUID.randomUUID().toString()));
            try (MdmServer server = MdmServer.start(settings, Clock.systemUTC())) {
                HttpURLConnection ready = (HttpURLConnection) server.baseUri().resolve("/readyz").toURL().openConnection();
                if (ready.getResponseCode() != 200) {
                    throw new IllegalStateException("training run: /readyz answered " + ready.getResponseCode());
                }
                ready.getInputStream().readAllBytes();
            }
        } finally {
            deleteTree(dataDir);
        }
        // The archive is written as the JVM exits; a library thread left running must not keep the build waiting.
        System.exit(0);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
