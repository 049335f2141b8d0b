package dev.jmdm.server.profiles;

import dev.jmdm.profiles.HostProfileStateMachine;
import dev.jmdm.server.config.Settings;
import dev.jmdm.server.device.CheckinService;
import dev.jmdm.server.device.CommandService;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.http.ApiRoutes;
import dev.jmdm.server.push.BackgroundPushes;
import dev.jmdm.server.storage.CommandStore;
import dev.jmdm.server.storage.HostStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
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
public final class ProfileFeature implements ApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileFeature.class);
    /** How often the ProfileList schedule looks for hosts that are due. */
    static final Duration PROFILE_LIST_CHECK = Duration.ofMinutes(5);

    private final ProfileSweep sweep;
    private final ProfileApi api;
    private final GroupApi groups;
    private final ScheduledExecutorService executor;
    // What the queued sweep covers: changes arriving before it starts join it.
    private boolean sweepQueued;
    private boolean sweepAll;
    private final Set<String> sweepScope = new HashSet<>();

    private ProfileFeature(ProfileSweep sweep, ProfileApi api, GroupApi groups, ScheduledExecutorService executor) {
        this.sweep = sweep;
        this.api = api;
        this.groups = groups;
        this.executor = executor;
    }

    /**
     * @param executor runs sweeps off the request threads (the server's timer thread); it stops with the server
     * @param pushes    wakes the enrollments a transaction queued commands for, once it commits: a sweep queues its
     *                  next batch while APNs answers for the last one (waiting for 100,000 pushes would otherwise
     *                  double an edit's time to reach every queue)
     */
    public static ProfileFeature start(Jdbi jdbi, HostStore hosts, BackgroundPushes pushes, CheckinService checkins,
            CommandService commands, Settings settings, Clock clock, ScheduledExecutorService executor) {
        HostProfileStateMachine machine = new HostProfileStateMachine();
        CommandStore queue = new CommandStore(jdbi, clock);
        HostProfileStore store = new HostProfileStore(jdbi, queue);
        HostReconciliation reconciliation = new HostReconciliation(store, machine, clock, pushes::pushLater);
        ProfileSweep sweep = new ProfileSweep(store, reconciliation, clock, pushes::pushLater, ProfileSweep.DEFAULT_BATCH);
        ProfileListSchedule lists = new ProfileListSchedule(store, reconciliation, clock, pushes::pushLater, ProfileSweep.DEFAULT_BATCH);
        ProfileAnswers answers = new ProfileAnswers(store, queue, machine, reconciliation);
        ProfileFeature[] self = new ProfileFeature[1];
        GroupStore groupStore = new GroupStore(jdbi, clock);
        ProfileApi api = new ProfileApi(new ProfileStore(jdbi, clock), groupStore, hosts, sweep, lists, new StatusQueries(jdbi),
                settings.maxBodyBytes(),
                identifier -> self[0].sweepSoon(identifier));
        // Membership decides every profile that targets or excludes a group: a full sweep.
        GroupApi groups = new GroupApi(groupStore, hosts, settings.maxBodyBytes(), () -> self[0].sweepSoon(null));
        self[0] = new ProfileFeature(sweep, api, groups, executor);
        checkins.addListener((id, tally) -> {
            if (tally == 1) {
                guarded("enrollment of " + id.id(), () -> lists.enrolled(id));
            }
        });
        commands.addListener((id, report) -> guarded("answer " + report.commandUuid() + " of " + id.id(),
                () -> answers.resultStored(id, report)));
        Settings.Profiles p = settings.profiles();
        if (!p.sweepEvery().isZero()) {
            executor.scheduleWithFixedDelay(() -> guarded("profile sweep", sweep::sweep),
                    p.sweepEvery().toMillis(), p.sweepEvery().toMillis(), TimeUnit.MILLISECONDS);
        }
        if (!p.profileListEvery().isZero()) {
            long check = Math.min(PROFILE_LIST_CHECK.toMillis(), p.profileListEvery().toMillis());
            executor.scheduleWithFixedDelay(() -> guarded("ProfileList schedule",
                    () -> lists.requestDueProfileLists(p.profileListEvery())), check, check, TimeUnit.MILLISECONDS);
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
            executor.execute(() -> {
                Set<String> scope;
                synchronized (this) {
                    scope = sweepAll ? null : Set.copyOf(sweepScope);
                    sweepAll = false;
                    sweepScope.clear();
                    sweepQueued = false;
                }
                guarded("profile sweep", () -> sweep.sweep(scope));
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

    @Override
    public void register(ApiRouter router) {
        api.register(router);
        groups.register(router);
    }
}
