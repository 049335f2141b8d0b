package dev.jmdm.server.profiles;

import dev.jmdm.profiles.HostProfileStateMachine;
import dev.jmdm.server.config.Settings;
import dev.jmdm.server.device.CheckinService;
import dev.jmdm.server.device.CommandService;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.http.ApiRoutes;
import dev.jmdm.server.push.PushService;
import dev.jmdm.server.storage.HostStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configuration profiles wired into a server: the stores, the reconciler, its triggers (device answers,
 * first TokenUpdate, API changes, the periodic sweep and ProfileList schedule) and the admin API.
 */
public final class ProfileFeature implements ApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileFeature.class);
    /** How often the ProfileList schedule looks for hosts that are due. */
    static final Duration PROFILE_LIST_CHECK = Duration.ofMinutes(5);

    private final ProfileReconciler reconciler;
    private final ProfileApi api;
    private final GroupApi groups;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean sweepQueued = new AtomicBoolean();

    private ProfileFeature(ProfileReconciler reconciler, ProfileApi api, GroupApi groups, ScheduledExecutorService executor) {
        this.reconciler = reconciler;
        this.api = api;
        this.groups = groups;
        this.executor = executor;
    }

    /**
     * @param executor runs sweeps off the request threads (the server's timer thread); it stops with the server
     */
    public static ProfileFeature start(Jdbi jdbi, HostStore hosts, PushService push, CheckinService checkins,
            CommandService commands, Settings settings, Clock clock, ScheduledExecutorService executor) {
        ProfileReconciler reconciler = new ProfileReconciler(jdbi, clock, new HostProfileStateMachine(),
                ids -> push.push(List.copyOf(ids)), ProfileReconciler.DEFAULT_BATCH);
        ProfileFeature[] self = new ProfileFeature[1];
        Runnable changed = () -> self[0].sweepSoon();
        ProfileApi api = new ProfileApi(new ProfileStore(jdbi, clock), hosts, reconciler, jdbi, settings.maxBodyBytes(), changed);
        GroupApi groups = new GroupApi(new GroupStore(jdbi, clock), hosts, settings.maxBodyBytes(), changed);
        self[0] = new ProfileFeature(reconciler, api, groups, executor);
        checkins.addListener((id, tally) -> {
            if (tally == 1) {
                guarded("enrollment of " + id.id(), () -> reconciler.enrolled(id));
            }
        });
        commands.addListener((id, report) -> guarded("answer " + report.commandUuid() + " of " + id.id(),
                () -> reconciler.resultStored(id, report)));
        Settings.Profiles p = settings.profiles();
        if (!p.sweepEvery().isZero()) {
            executor.scheduleWithFixedDelay(() -> guarded("profile sweep", reconciler::sweep),
                    p.sweepEvery().toMillis(), p.sweepEvery().toMillis(), TimeUnit.MILLISECONDS);
        }
        if (!p.profileListEvery().isZero()) {
            long check = Math.min(PROFILE_LIST_CHECK.toMillis(), p.profileListEvery().toMillis());
            executor.scheduleWithFixedDelay(() -> guarded("ProfileList schedule",
                    () -> reconciler.requestDueProfileLists(p.profileListEvery())), check, check, TimeUnit.MILLISECONDS);
        }
        return self[0];
    }

    // Profile bookkeeping never fails a device request or kills a timer: the next ProfileList or sweep repairs it.
    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("profiles: {} failed: {}", what, e.toString(), e);
        }
    }

    /** Queues one sweep; several changes in a row share it. */
    void sweepSoon() {
        if (sweepQueued.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    sweepQueued.set(false);
                    guarded("profile sweep", reconciler::sweep);
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                sweepQueued.set(false); // the server is stopping
            }
        }
    }

    @Override
    public void register(ApiRouter router) {
        api.register(router);
        groups.register(router);
    }
}
