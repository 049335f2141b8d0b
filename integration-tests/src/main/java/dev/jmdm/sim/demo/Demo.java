package dev.jmdm.sim.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/jmdm-demo [N]}: the demo fleet until Ctrl-C. N (or {@code MDM_DEMO}) devices, default 25; the console
 * listens on {@code MDM_LISTEN} (default 127.0.0.1:9000, loopback only: the demo's admin password is printed); the
 * admin is {@code MDM_ADMIN_EMAIL}/{@code MDM_ADMIN_PASSWORD} (default admin@demo.invalid and a random password).
 * The store lives in a fresh temporary folder, deleted on exit.
 */
public final class Demo {
    static final int DEFAULT_DEVICES = 25;
    static final int MAX_DEVICES = 2000;

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        String n = args.length > 0 ? args[0] : env.getOrDefault("MDM_DEMO", String.valueOf(DEFAULT_DEVICES));
        int devices;
        try {
            devices = Integer.parseInt(n.trim());
        } catch (NumberFormatException e) {
            devices = -1;
        }
        if (devices < 0 || devices > MAX_DEVICES) {
            System.err.println("jmdm-demo: the number of devices (argument or MDM_DEMO) must be 0 to " + MAX_DEVICES + ", not '" + n + "'");
            System.exit(2);
        }
        String listen = env.getOrDefault("MDM_LISTEN", "127.0.0.1:9000");
        String email = env.getOrDefault("MDM_ADMIN_EMAIL", "admin@demo.invalid");
        String password = env.getOrDefault("MDM_ADMIN_PASSWORD", DemoFleet.randomPassword());
        Path dir = Files.createTempDirectory("jmdm-demo");
        System.out.println("jmdm demo: starting a server on a fresh store in " + dir + " and enrolling " + devices + " simulated devices…");
        DemoFleet fleet = DemoFleet.start(dir, listen, devices, email, password, Map.of("MDM_LOG_LEVEL", env.getOrDefault("MDM_LOG_LEVEL", "warn")));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            fleet.close();
            try {
                DemoFleet.deleteTree(dir);
            } catch (Exception e) {
                System.err.println("jmdm-demo: could not delete " + dir + ": " + e.getMessage());
            }
            stopped.countDown();
        }, "demo-stop"));
        System.out.println();
        System.out.println("  console:  " + fleet.consoleUri());
        System.out.println("  email:    " + email);
        System.out.println("  password: " + password);
        System.out.println("  API key:  " + fleet.apiKey + "   (curl -u nanomdm:KEY " + fleet.server.baseUri() + "/v1/hosts)");
        System.out.println();
        System.out.println(devices + " devices enrolled; they answer pushes until you stop the demo with Ctrl-C.");
        stopped.await();
    }
}
