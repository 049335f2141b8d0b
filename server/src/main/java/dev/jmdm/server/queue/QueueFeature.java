package dev.jmdm.server.queue;

import dev.jmdm.server.config.QueueSettings;
import dev.jmdm.server.feature.Feature;
import dev.jmdm.server.feature.Services;
import dev.jmdm.server.storage.CommandStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the command queue small at scale: Fleet's users report millions of queue rows after a few rollouts because
 * finished rows are never deleted, and those rows slow every writer. Two jobs, each on one server at a time
 * ({@code queue-expiry}, {@code queue-retention} leases):
 * <ul>
 * <li>expiry: a command pending for MDM_COMMAND_TTL for an enrollment not seen as long ends as {@code Expired};</li>
 * <li>retention: finished rows older than MDM_RESULT_RETENTION, and commands no row names any more, are deleted.</li>
 * </ul>
 * Both work in batches of {@link #BATCH} rows, one short transaction each, and stop after {@link #RUN_BUDGET} so a
 * backlog of millions is worked off over several runs without holding the database writer or the timer thread.
 */
public final class QueueFeature implements Feature {
    private static final Logger LOG = LoggerFactory.getLogger(QueueFeature.class);
    static final Duration EVERY = Duration.ofMinutes(10);
    static final int BATCH = 1_000;
    static final Duration RUN_BUDGET = Duration.ofSeconds(30);

    private final QueueSettings settings;
    private final Services services;
    private final CommandStore commands;
    private final Clock clock;

    public QueueFeature(QueueSettings settings, Services services) {
        this.settings = settings;
        this.services = services;
        this.commands = services.commands();
        this.clock = services.clock();
    }

    @Override
    public void start() {
        if (!settings.commandTtl().isZero()) {
            services.timers().scheduleWithFixedDelay(services.jobs().leased("queue-expiry", EVERY, this::expire),
                    EVERY.toSeconds() / 2, EVERY.toSeconds(), TimeUnit.SECONDS);
        }
        if (!settings.resultRetention().isZero()) {
            services.timers().scheduleWithFixedDelay(services.jobs().leased("queue-retention", EVERY, this::purge),
                    EVERY.toSeconds(), EVERY.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** One expiry run; returns how many commands expired. */
    public int expire() {
        if (settings.commandTtl().isZero()) {
            return 0;
        }
        long cutoff = clock.millis() - settings.commandTtl().toMillis();
        int n = inBatches(() -> commands.expireStale(cutoff, BATCH));
        if (n > 0) {
            LOG.info("expired {} commands pending over {} for devices not seen as long (MDM_COMMAND_TTL)", n, settings.commandTtl());
        }
        return n;
    }

    /** One retention run; returns how many finished queue rows were deleted. */
    public int purge() {
        if (settings.resultRetention().isZero()) {
            return 0;
        }
        long cutoff = clock.millis() - settings.resultRetention().toMillis();
        int n = inBatches(() -> commands.purgeFinished(cutoff, BATCH));
        if (n > 0) {
            LOG.info("deleted {} finished queue rows older than {} (MDM_RESULT_RETENTION)", n, settings.resultRetention());
        }
        return n;
    }

    private static int inBatches(java.util.function.IntSupplier batch) {
        long deadline = System.nanoTime() + RUN_BUDGET.toNanos();
        int total = 0;
        while (true) {
            int n = batch.getAsInt();
            total += n;
            if (n < BATCH || System.nanoTime() > deadline) {
                return total;
            }
        }
    }
}
