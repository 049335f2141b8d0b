package dev.jmdm.sim.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server under test in its own JVM, started from this jar's classes, so that its CPU time and
 * peak memory are its own and not the simulator's. Figures come from the operating system
 * ({@code /proc} on Linux) and are NaN where it does not say. The crash tests start it too, to kill it.
 */
public final class ServerProcess implements AutoCloseable {
    // Generous: on a shared 2-core machine under load 40-60 a start has taken minutes of wall time for seconds of CPU.
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    private final Process process;
    private final URI base;
    private final Path log;
    private double secondsToReady = Double.NaN;

    private ServerProcess(Process process, URI base, Path log) {
        this.process = process;
        this.base = base;
        this.log = log;
    }

    /**
     * Starts {@code dev.jmdm.server.Main} with the given MDM_* environment (MDM_LISTEN is chosen here)
     * and waits until {@code /readyz} answers 200.
     */
    public static ServerProcess start(Map<String, String> env, List<String> jvmOptions, Path log) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        // A test JVM resolves loopback names only (the build's loopback-hosts guard); its servers inherit that.
        String hostsFile = System.getProperty("jdk.net.hosts.file");
        if (hostsFile != null) {
            cmd.add("-Djdk.net.hosts.file=" + hostsFile);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.jmdm.server.Main");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("MDM_LISTEN", "127.0.0.1:" + port);
        long t0 = System.nanoTime();
        Process p = pb.start();
        ServerProcess server = new ServerProcess(p, URI.create("http://127.0.0.1:" + port), log);
        server.awaitReady();
        server.secondsToReady = (System.nanoTime() - t0) / 1e9;
        return server;
    }

    private void awaitReady() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + " while starting:\n" + tail());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(base.resolve("/readyz")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            // Polled often: the time to ready is a figure the benchmark reports (target ≤ 1.5 s embedded).
            Thread.sleep(10);
        }
        close();
        throw new IllegalStateException("the server was not ready within " + START_TIMEOUT.toSeconds() + " s:\n" + tail());
    }

    /** Seconds from starting the JVM until /readyz first answered 200 (to within the 10 ms poll). */
    public double secondsToReady() {
        return secondsToReady;
    }

    public URI baseUri() {
        return base;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, as a crash or {@code kill -9}: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, then the exit code, or -1 when the server is still running after the timeout. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * CPU seconds (user + system) the process has used so far; NaN when the OS does not say. On Linux the JDK
     * reads utime + stime from /proc/PID/stat.
     */
    static double cpuSeconds(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** Peak resident memory in MiB (Linux VmHWM); NaN elsewhere or once the process is gone. */
    static double peakRssMib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // not Linux, or no access: the figure is left out
        }
        return Double.NaN;
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: the server's shutdown hook closes it cleanly
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
