package dev.jmdm.server.profiles;

import dev.jmdm.profiles.HostProfileStateMachine;
import dev.jmdm.server.config.ProfileSettings;
import dev.jmdm.server.device.DeviceEvents;
import dev.jmdm.server.feature.Feature;
import dev.jmdm.server.feature.Services;
import dev.jmdm.server.http.ApiRouter;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
    private final ProfileSweep sweep;
    private final ProfileListSchedule lists;
    private final ProfileAnswers answers;
    private final HostReconciliation reconciliation;
    private final ProfileApi api;
    private final GroupApi groups;
    // What the queued sweep covers: changes arriving before it starts join it.
    private boolean sweepQueued;
    private boolean sweepAll;
    private final Set<String> sweepScope = new HashSet<>();

    /** Sweeps run on the server's timer thread, off the request threads; they stop with it. */
    public ProfileFeature(ProfileSettings settings, Services services) {
        this.settings = settings;
        this.services = services;
        // Pushes go to the server's background executor once a transaction commits: a sweep queues its next batch
        // while APNs answers for the last one (waiting for 100,000 pushes would otherwise double an edit's time).
        Consumer<Collection<String>> pushes = services.backgroundPushes()::pushLater;
        Jdbi jdbi = services.jdbi();
        Clock clock = services.clock();
        HostProfileStateMachine machine = new HostProfileStateMachine();
        HostProfileStore store = new HostProfileStore(jdbi, services.commands());
        reconciliation = new HostReconciliation(store, machine, clock, pushes);
        sweep = new ProfileSweep(store, reconciliation, clock, pushes, ProfileSweep.DEFAULT_BATCH);
        lists = new ProfileListSchedule(store, reconciliation, clock, pushes, ProfileSweep.DEFAULT_BATCH);
        answers = new ProfileAnswers(store, services.commands(), machine, reconciliation);
        GroupStore groupStore = new GroupStore(jdbi, clock);
        api = new ProfileApi(new ProfileStore(jdbi, clock), groupStore, services.hosts(), sweep, lists, new StatusQueries(jdbi),
                services.maxBody(), this::sweepSoon);
        // Membership decides every profile that targets or excludes a group: a full sweep.
        groups = new GroupApi(groupStore, services.hosts(), services.maxBody(), () -> sweepSoon(null));
    }

    /** Triggers: a first TokenUpdate, every command answer, the periodic sweep and the ProfileList schedule. */
    @Override
    public void start() {
        services.events().onTokenUpdate("profiles on enrollment", DeviceEvents.Lane.INLINE, (id, tally) -> {
            if (tally == 1) {
                guarded("enrollment of " + id.id(), () -> lists.enrolled(id));
            }
        });
        services.events().onAnswer("profiles", DeviceEvents.Lane.INLINE, (id, report) -> guarded("answer " + report.commandUuid() + " of " + id.id(),
                () -> answers.resultStored(id, report)));
        ScheduledExecutorService timers = services.timers();
        if (!settings.sweepEvery().isZero()) {
            timers.scheduleWithFixedDelay(services.jobs().leased("profile-sweep", settings.sweepEvery(),
                            () -> guarded("profile sweep", sweep::sweep)),
                    settings.sweepEvery().toMillis(), settings.sweepEvery().toMillis(), TimeUnit.MILLISECONDS);
        }
        if (!settings.profileListEvery().isZero()) {
            long check = Math.min(PROFILE_LIST_CHECK.toMillis(), settings.profileListEvery().toMillis());
            timers.scheduleWithFixedDelay(services.jobs().leased("profile-list-schedule", Duration.ofMillis(check),
                    () -> guarded("ProfileList schedule", () -> lists.requestDueProfileLists(settings.profileListEvery()))),
                    check, check, TimeUnit.MILLISECONDS);
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

    /**
     * Reconciles one host now, on the caller's thread (Setup Assistant's setup steps: the profile's InstallProfile must
     * be queued before the device's next poll). False when its device channel is not enabled.
     */
    public boolean reconcileHostNow(long hostId) {
        return reconciliation.reconcileHost(hostId, null);
    }

    @Override
    public void register(ApiRouter router) {
        api.register(router);
        groups.register(router);
    }
}
