package dev.jmdm.server.metrics;

import dev.jmdm.apns.PushStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The server's metrics in Prometheus form, served at {@code GET /metrics}. Micrometer does the
 * bookkeeping and the text format, which a hand-rolled exporter would get subtly wrong.
 */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter checkins;
    private final Counter reports;
    private final Counter commandsDelivered;
    private final java.util.concurrent.ConcurrentMap<String, Timer> requestTimers = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger activeRequests = new java.util.concurrent.atomic.AtomicInteger();

    public Metrics() {
        checkins = Counter.builder("mdm_checkin_requests").description("check-in messages handled").register(registry);
        reports = Counter.builder("mdm_command_reports").description("command channel requests (Idle and results)").register(registry);
        commandsDelivered = Counter.builder("mdm_commands_delivered").description("commands handed to devices").register(registry);
        Gauge.builder("mdm_http_active_requests", activeRequests, java.util.concurrent.atomic.AtomicInteger::get)
                .description("requests being handled now").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** Push outcomes as counted by the apns module's sender. */
    public void bindPushStats(PushStats stats) {
        FunctionCounter.builder("mdm_pushes", stats, PushStats::sent).tag("outcome", "sent")
                .description("APNs wakeups by outcome").register(registry);
        FunctionCounter.builder("mdm_pushes", stats, PushStats::tokenInvalid).tag("outcome", "token_invalid").register(registry);
        FunctionCounter.builder("mdm_pushes", stats, PushStats::failed).tag("outcome", "failed").register(registry);
        FunctionCounter.builder("mdm_push_retries", stats, PushStats::retried).description("APNs attempts retried").register(registry);
    }

    /** Whether pushes get through: gauges of the current failure run, and pushes callers stopped waiting for. */
    public void bindPushHealth(dev.jmdm.server.push.PushHealth health) {
        io.micrometer.core.instrument.Gauge.builder("mdm_push_failing_since_seconds", health,
                dev.jmdm.server.push.PushHealth::failingSinceEpochSeconds)
                .description("epoch seconds since pushes fail (no push accepted by APNs since); 0 while they get through")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("mdm_push_failures", health, dev.jmdm.server.push.PushHealth::failures)
                .description("pushes failed or unanswered since APNs last accepted one").register(registry);
        FunctionCounter.builder("mdm_push_unanswered", health, dev.jmdm.server.push.PushHealth::unansweredTotal)
                .description("pushes still unanswered when MDM_APNS_TIMEOUT ran out (reported pending)").register(registry);
    }

    /** Statements and transactions run on the store: divided by the request counters, the cost of a check-in. */
    public void bindStatements(java.util.function.LongSupplier statements, java.util.function.LongSupplier transactions) {
        FunctionCounter.builder("mdm_db_statements", statements, java.util.function.LongSupplier::getAsLong)
                .description("SQL statements run on the store").register(registry);
        FunctionCounter.builder("mdm_db_transactions", transactions, java.util.function.LongSupplier::getAsLong)
                .description("transactions run on the store (each adds its begin and commit to its statements)").register(registry);
    }

    public void checkin() {
        checkins.increment();
    }

    public void report(boolean delivered) {
        reports.increment();
        if (delivered) {
            commandsDelivered.increment();
        }
    }

    /**
     * Database pool use in Hikari's own meters: {@code hikaricp_connections_acquire_seconds} is how long requests
     * wait for a connection, {@code hikaricp_connections_pending} how many wait now.
     */
    public com.zaxxer.hikari.metrics.MetricsTrackerFactory databasePool() {
        return new com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory(registry);
    }

    public void requestStarted() {
        activeRequests.incrementAndGet();
    }

    /** @param route the class of route (device, enroll, admin, other), not the path: paths carry ids */
    public void requestEnded(String route, int status, long nanos) {
        activeRequests.decrementAndGet();
        // A handful of (route, status class) pairs: build each timer once, not a builder and meter id per request.
        requestTimers.computeIfAbsent(route + ' ' + status / 100, k -> Timer.builder("mdm_http_requests")
                .description("request latency by route class and status class")
                .tag("route", route).tag("status", status / 100 + "xx").register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Counts work turned away because its queue was full (or, for enroll, every permit taken). */
    public Runnable shedCounter(String queue) {
        Counter c = Counter.builder("mdm_work_shed").description("work turned away by a full queue").tag("queue", queue).register(registry);
        return c::increment;
    }

    public String scrape() {
        return registry.scrape();
    }
}
