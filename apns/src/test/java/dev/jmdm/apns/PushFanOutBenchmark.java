package dev.jmdm.apns;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Fans one MDM wakeup out to N targets through {@link PushSender} against Pushy's mock APNs over TLS on loopback, and
 * prints throughput and the latency each push saw. Not a test: run by hand, see {@code docs/benchmarks.md} ("APNs fan-out").
 *
 * <p>Arguments: {@code [N=10000] [maxInFlight=1000] [connectionsPerTopic=1]}. Latency runs from the {@code push()} call
 * to its outcome, so with N above maxInFlight it includes the wait for a permit, as a caller of pushAll sees it.
 */
public final class PushFanOutBenchmark {
    private static final int ROUNDS = 3;

    private PushFanOutBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int maxInFlight = args.length > 1 ? Integer.parseInt(args[1]) : PushSettings.DEFAULT_MAX_IN_FLIGHT;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : PushSettings.DEFAULT_CONNECTIONS_PER_TOPIC;
        String topic = TestPki.newTopic();
        PushCertificate certificate = TestPki.pushCertificate(topic);

        try (MockApns apns = MockApns.start(MockApns.ACCEPT);
                PushSender sender = new PushSender(apns.settings().maxInFlight(maxInFlight)
                        .connectionsPerTopic(connections).build())) {
            sender.updateCertificate(certificate);
            System.out.printf("N=%d maxInFlight=%d connectionsPerTopic=%d cores=%d java=%s%n", n, maxInFlight,
                    connections, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            run("warm-up", sender, targets(topic, "warm", n));
            for (int round = 1; round <= ROUNDS; round++) {
                run("round " + round, sender, targets(topic, "r" + round, n));
            }
            System.out.println(sender.stats());
        }
    }

    private static void run(String label, PushSender sender, List<PushTarget> targets) throws Exception {
        long[] latencies = new long[targets.size()];
        CompletableFuture<?>[] pushes = new CompletableFuture<?>[targets.size()];
        long start = System.nanoTime();
        for (int i = 0; i < targets.size(); i++) {
            int slot = i;
            long begun = System.nanoTime();
            pushes[i] = sender.push(targets.get(i)).whenComplete((outcome, failure) -> {
                latencies[slot] = System.nanoTime() - begun;
                if (!(outcome instanceof PushOutcome.Sent)) {
                    throw new IllegalStateException("push " + slot + " ended " + outcome);
                }
            });
        }
        CompletableFuture.allOf(pushes).get(5, TimeUnit.MINUTES);
        long elapsed = System.nanoTime() - start;
        Arrays.sort(latencies);
        System.out.printf("%-8s %6d pushes in %6d ms: %7.0f pushes/s, latency p50 %6.1f ms, p99 %6.1f ms, max %6.1f ms%n",
                label, targets.size(), TimeUnit.NANOSECONDS.toMillis(elapsed), targets.size() / (elapsed / 1e9),
                millis(percentile(latencies, 0.50)), millis(percentile(latencies, 0.99)),
                millis(latencies[latencies.length - 1]));
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double millis(long nanos) {
        return nanos / (double) Duration.ofMillis(1).toNanos();
    }

    private static List<PushTarget> targets(String topic, String prefix, int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> new PushTarget(prefix + "-" + i, topic, String.format("%064x", (long) i * 31 + prefix.hashCode()),
                        "magic-" + i))
                .toList();
    }
}
