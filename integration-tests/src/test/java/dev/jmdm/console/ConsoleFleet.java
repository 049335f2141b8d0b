package dev.jmdm.console;

import dev.jmdm.sim.demo.DemoFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One demo fleet for the console's test classes: starting one (certs-dev's keys, enrollments) costs most of a
 * minute on the shared machine, and the console tests only read it or make their own objects in it. Stopped when
 * the test JVM exits.
 */
final class ConsoleFleet {
    static final String ADMIN_EMAIL = "admin@console.test";
    static final String ADMIN_PASSWORD = "console-test-password-1";
    static final int DEVICES = 4;
    private static DemoFleet fleet;

    private ConsoleFleet() {
    }

    static synchronized DemoFleet get() throws Exception {
        if (fleet == null) {
            Path dir = Files.createTempDirectory("jmdm-console");
            fleet = DemoFleet.start(dir, "127.0.0.1:0", DEVICES, ADMIN_EMAIL, ADMIN_PASSWORD, Map.of());
            DemoFleet started = fleet;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.close();
                try {
                    DemoFleet.deleteTree(dir);
                } catch (Exception ignored) {
                    // a temporary folder
                }
            }));
        }
        return fleet;
    }
}
