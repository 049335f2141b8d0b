package dev.jmdm.server;

import dev.jmdm.server.config.Settings;
import dev.jmdm.server.config.SettingsException;
import dev.jmdm.server.config.SettingsParser;
import dev.jmdm.server.logging.LogFormat;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar mdm-server.jar [flags]}: parse settings, start, run until stopped. {@code mdm-server.jar users …}
 * manages console users in the store instead ({@link UsersCommand}).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("users")) {
            LogFormat.fromEnvironment(System.getenv()).apply();
            System.exit(UsersCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.getenv(), System.in, System.out,
                    System.err));
            return;
        }
        Settings settings;
        try {
            LogFormat.fromEnvironment(System.getenv()).apply();
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
            // A setting found wrong only when used (the listen address, the database, a file's contents): said like
            // a parse error, on one line; the cause's stack trace is logged at debug where it arose.
            System.err.println("mdm-server: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(Main.class).error("cannot start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM (and Ctrl-C): requests under way finish, then the store closes, so nothing answered is lost.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            var log = LoggerFactory.getLogger(Main.class);
            log.info("stopping: no new requests; finishing those under way (at most {} s), then closing the store",
                    dev.jmdm.server.http.HttpServer.STOP_DRAIN.toSeconds());
            server.close();
            log.info("stopped");
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
