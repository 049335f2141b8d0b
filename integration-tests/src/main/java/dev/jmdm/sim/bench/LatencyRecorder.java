package dev.jmdm.sim.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/** Collects request latencies of one phase (bounded array, no boxing) and summarises them. */
final class LatencyRecorder {
    private final long[] nanos;
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();

    LatencyRecorder(int capacity) {
        this.nanos = new long[capacity];
    }

    void record(long n, boolean ok) {
        int i = count.getAndIncrement();
        if (i < nanos.length) {
            nanos[i] = n;
        }
        if (!ok) {
            errors.incrementAndGet();
        }
    }

    void error() {
        errors.incrementAndGet();
    }

    /** One phase's figures. Latencies in milliseconds; server CPU NaN when it cannot be read. */
    record Summary(String phase, int requests, int errors, double seconds, double requestsPerSecond, double p50, double p95,
            double p99, double max, double serverCpuSeconds) {
    }

    Summary summarise(String phase, double seconds, double serverCpuSeconds) {
        int n = Math.min(count.get(), nanos.length);
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        return new Summary(phase, count.get(), errors.get(), seconds, seconds > 0 ? count.get() / seconds : 0,
                pct(sorted, 50), pct(sorted, 95), pct(sorted, 99), n == 0 ? 0 : sorted[n - 1] / 1e6, serverCpuSeconds);
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(idx, sorted.length - 1))] / 1e6;
    }
}
