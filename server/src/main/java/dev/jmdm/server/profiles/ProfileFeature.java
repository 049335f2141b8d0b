package dev.jmdm.server.profiles;

import dev.jmdm.profiles.HostProfileStateMachine;
import dev.jmdm.server.concurrent.BoundedExecutor;
import dev.jmdm.server.config.ProfileSettings;
import dev.jmdm.server.feature.Feature;
import dev.jmdm.server.feature.Services;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.push.PushService;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configuration profiles wired into a server: the stores, the reconciler, its triggers (device answers,
 * first TokenUpdate, API changes, the periodic sweep and ProfileList schedule) and the admin API.
 */
public final class ProfileFeature implements Feature {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileFeature.class);
    /** How often the ProfileList schedule looks for hosts that are due. */
    static final Duration PROFILE_LIST_CHECK = Duration.ofMinutes(5);

    private final ProfileSettings settings;
    private final Services services;
    private final ProfileReconciler reconciler;
    private final ProfileApi api;
    private final GroupApi groups;
    private final BoundedExecutor pushes;
    /**
     * Push batches waiting at most: a sweep of 256,000 hosts in batches of {@link ProfileReconciler#DEFAULT_BATCH}.
     * Past it a batch is shed (mdm_work_shed{queue="profile-push"}): its commands stay queued and the re-push sweep or
     * the devices' next check-in delivers them.
     */
    static final int PUSH_QUEUE = 256;
    // What the queued sweep covers: changes arriving before it starts join it.
    private boolean sweepQueued;
    private boolean sweepAll;
    private final Set<String> sweepScope = new HashSet<>();

    /** Sweeps run on the server's timer thread, off the request threads; they stop with it. */
    public ProfileFeature(ProfileSettings settings, Services services) {
        this.settings = settings;
        this.services = services;
        // Pushes go out on their own thread: a sweep queues its next batch while APNs answers for the last
        // one (waiting for 100,000 pushes would otherwise double an edit's time to reach every queue).
        pushes = new BoundedExecutor("profile-push", 1, PUSH_QUEUE,
                "the re-push sweep or the devices' next check-in delivers their commands", services.metrics().shedCounter("profile-push"));
        PushService push = services.push();
        Jdbi jdbi = services.jdbi();
        reconciler = new ProfileReconciler(jdbi, services.clock(), new HostProfileStateMachine(),
                ids -> pushLater(pushes, push, List.copyOf(ids)), ProfileReconciler.DEFAULT_BATCH);
        api = new ProfileApi(new ProfileStore(jdbi, services.clock()), services.hosts(), reconciler, jdbi, services.maxBody(),
                this::sweepSoon);
        // Membership decides every profile that targets or excludes a group: a full sweep.
        groups = new GroupApi(new GroupStore(jdbi, services.clock()), services.hosts(), services.maxBody(), () -> sweepSoon(null));
    }

    /** Triggers: a first TokenUpdate, every command answer, the periodic sweep and the ProfileList schedule. */
    @Override
    public void start() {
        services.checkins().addListener((id, tally) -> {
            if (tally == 1) {
                guarded("enrollment of " + id.id(), () -> reconciler.enrolled(id));
            }
        });
        services.commandService().addListener((id, report) -> guarded("answer " + report.commandUuid() + " of " + id.id(),
                () -> reconciler.resultStored(id, report)));
        ScheduledExecutorService timers = services.timers();
        if (!settings.sweepEvery().isZero()) {
            timers.scheduleWithFixedDelay(() -> guarded("profile sweep", reconciler::sweep),
                    settings.sweepEvery().toMillis(), settings.sweepEvery().toMillis(), TimeUnit.MILLISECONDS);
        }
        if (!settings.profileListEvery().isZero()) {
            long check = Math.min(PROFILE_LIST_CHECK.toMillis(), settings.profileListEvery().toMillis());
            timers.scheduleWithFixedDelay(() -> guarded("ProfileList schedule",
                    () -> reconciler.requestDueProfileLists(settings.profileListEvery())), check, check, TimeUnit.MILLISECONDS);
        }
    }

    // Profile bookkeeping never fails a device request or kills a timer: the next ProfileList or sweep repairs it.
    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("profiles: {} failed: {}", what, e.toString(), e);
        }
    }

    private static void pushLater(BoundedExecutor pushes, PushService push, List<String> ids) {
        pushes.execute(() -> guarded("push of " + ids.size() + " enrollments", () -> push.push(ids)));
    }

    /** Queues one sweep of the profile's hosts (null: of every profile); changes until it starts share it. */
    void sweepSoon(String identifier) {
        synchronized (this) {
            if (identifier == null) {
                sweepAll = true;
            } else {
                sweepScope.add(identifier);
            }
            if (sweepQueued) {
                return;
            }
            sweepQueued = true;
        }
        try {
            services.timers().execute(() -> {
                Set<String> scope;
                synchronized (this) {
                    scope = sweepAll ? null : Set.copyOf(sweepScope);
                    sweepAll = false;
                    sweepScope.clear();
                    sweepQueued = false;
                }
                guarded("profile sweep", () -> reconciler.sweep(scope));
            });
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                sweepQueued = false; // the server is stopping
            }
        }
    }

    /** Reconciles the profile's hosts soon: another feature changed who it targets (a policy's remediation). */
    public void reconcileSoon(String identifier) {
        sweepSoon(identifier);
    }

    /** Stops the push thread; the server's executor, which runs the sweeps, is the server's to stop. */
    @Override
    public void close() {
        pushes.close();
    }

    @Override
    public void register(ApiRouter router) {
        api.register(router);
        groups.register(router);
    }
}
