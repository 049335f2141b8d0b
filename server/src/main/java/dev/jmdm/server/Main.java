package dev.jmdm.server;

import dev.jmdm.server.config.Settings;
import dev.jmdm.server.config.SettingsException;
import dev.jmdm.server.config.SettingsParser;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/** {@code java -jar mdm-server.jar [flags]}: parse settings, start, run until stopped. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        Settings settings;
        try {
            settings = SettingsParser.parse(args, System.getenv());
        } catch (SettingsException e) {
            System.err.println("mdm-server: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (settings == null) {
            return; // --help or --version
        }
        MdmServer server;
        try {
            server = MdmServer.start(settings, Clock.systemUTC());
        } catch (SettingsException e) {
            // A setting found wrong only when used (the listen address, a file's contents): said like a parse error.
            System.err.println("mdm-server: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(Main.class).error("cannot start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
