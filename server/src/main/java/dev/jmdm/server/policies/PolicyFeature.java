package dev.jmdm.server.policies;

import dev.jmdm.server.config.PolicySettings;
import dev.jmdm.server.device.DeviceEvents;
import dev.jmdm.server.feature.Feature;
import dev.jmdm.server.feature.Services;
import dev.jmdm.server.hosts.HostCommands;
import dev.jmdm.server.hosts.HostsFeature;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.profiles.ProfileCatalog;
import dev.jmdm.server.profiles.ProfileFeature;
import dev.jmdm.server.storage.HostStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compliance policies wired into a server: the API, evaluation on inventory changes, profile answers
 * and policy edits (all on one background thread, so evaluations of one server never race each
 * other; those of two servers are settled by the guarded writes of {@link ResultStore}), the periodic
 * sweep under a job lease (facts that move with time), remediation through the hosts and profiles
 * features, and the hourly history point.
 */
public final class PolicyFeature implements Feature {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyFeature.class);
    static final Duration HISTORY_EVERY = Duration.ofHours(1);
    static final String SWEEP_JOB = "policy-sweep";

    /** Queues background work on the policy thread. */
    interface Scheduler {
        /** A policy's full evaluation. */
        void evaluateSoon(StoredPolicy policy);

        /** A recount (a policy was deleted: the overall counts still include its results). */
        void recountSoon();
    }

    private final PolicySettings settings;
    private final Services services;
    private final Runnable sweep;
    private final HostsFeature hostsFeature;
    private final ExecutorService executor;
    private final Reports reports;
    private final CoalescingRunner<Long> hostEvaluations;
    private final CoalescingRunner<String> answerEvaluations;
    private final PolicyApi api;
    private final ComplianceApi compliance;
    private final ResultConversion converter;

    /** Remediates through the hosts feature's commands and the profile feature's reconciliation. */
    public PolicyFeature(PolicySettings settings, Services services, HostsFeature hostsFeature, ProfileFeature profiles) {
        this.settings = settings;
        this.services = services;
        this.hostsFeature = hostsFeature;
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "policy-eval");
            t.setDaemon(true);
            return t;
        });
        Jdbi jdbi = services.jdbi();
        Clock clock = services.clock();
        PolicyStore store = new PolicyStore(jdbi, clock);
        ResultStore results = new ResultStore(jdbi, clock);
        HostFactsReader reader = new HostFactsReader(clock);
        reports = new Reports(jdbi, clock, store, reader);
        ProfileCatalog catalog = new ProfileCatalog(jdbi);
        Remediator remediator = remediator(catalog, hostsFeature.hostCommands(), profiles);
        PolicyEvaluator evaluator = new PolicyEvaluator(store, results, reader, remediator, clock);
        Scheduler scheduler = new Scheduler() {
            @Override
            public void evaluateSoon(StoredPolicy policy) {
                run(executor, "evaluation of policy " + policy.name(), () -> {
                    store.evaluation(policy.name(), policy.version(), StoredPolicy.RUNNING, 0);
                    try {
                        int n = evaluator.evaluatePolicy(policy);
                        store.evaluation(policy.name(), policy.version(), StoredPolicy.DONE, n);
                        reports.recordHour();
                    } catch (RuntimeException e) {
                        store.evaluation(policy.name(), policy.version(), StoredPolicy.FAILED, 0);
                        throw e;
                    }
                });
            }

            @Override
            public void recountSoon() {
                run(executor, "recount of policy results", () -> PolicyCounts.recount(jdbi));
            }
        };
        sweep = () -> {
            List<StoredPolicy> all = store.all();
            if (!all.isEmpty()) {
                long t0 = System.nanoTime();
                int n = evaluator.evaluateAll(all);
                reports.recordHour();
                LOG.info("policies: sweep of {} hosts took {} ms", n, (System.nanoTime() - t0) / 1_000_000);
            }
        };
        HostStore hosts = services.hosts();
        PolicyCounts.followHosts(hosts);
        converter = new ResultConversion(jdbi);
        hostsFeature.policyHostsFrom(reports::hostIds);
        hostEvaluations = new CoalescingRunner<>(executor,
                hostId -> guarded("evaluation of host " + hostId, () -> evaluator.evaluateHost(hostId)));
        answerEvaluations = new CoalescingRunner<>(executor,
                device -> guarded("evaluation after an answer of " + device, () -> hosts.hostOfEnrollment(device).ifPresent(evaluator::evaluateHost)));
        api = new PolicyApi(store, new PolicyDocuments(catalog, hosts), reports, results, hosts, scheduler, services.maxBody());
        compliance = new ComplianceApi(reports, store);
    }

    /** Evaluations on inventory changes and command answers, and the hourly history point. */
    @Override
    public void start() {
        // Results stored per (policy, host) before V30 become packed rows, once, before anything reads them.
        converter.run();
        hostsFeature.addInventoryListener(hostEvaluations::request);
        // Profile status moves on InstallProfile and ProfileList answers; the profile feature's inline step has
        // stored it before any background step runs.
        services.events().onAnswer("policy evaluation", DeviceEvents.Lane.BACKGROUND, (id, report) -> answerEvaluations.request(id.deviceId()));
        services.timers().scheduleWithFixedDelay(services.jobs().leased("compliance-history", HISTORY_EVERY,
                        () -> run(executor, "compliance history", reports::recordHour)),
                HISTORY_EVERY.toMinutes(), HISTORY_EVERY.toMinutes(), TimeUnit.MINUTES);
        // Points for the hours before the history table existed or while no server ran, from the transitions.
        run(executor, "compliance history backfill", reports::backfill);
        if (!settings.sweepEvery().isZero()) {
            long every = settings.sweepEvery().toMillis();
            // One server of a cluster sweeps per period, under the shared job leases like the other periodic jobs.
            services.timers().scheduleWithFixedDelay(services.jobs().leased(SWEEP_JOB, settings.sweepEvery(),
                    () -> run(executor, "policy sweep", sweep)), every, every, TimeUnit.MILLISECONDS);
        }
    }

    private static Remediator remediator(ProfileCatalog catalog, HostCommands commands, ProfileFeature profiles) {
        return (policy, r, hostId) -> {
            String actor = "policy:" + policy;
            Map<String, Object> detail = Map.of("policy", policy, "action", r.kind());
            if (r.installProfile() != null) {
                catalog.addTargetHost(r.installProfile(), hostId);
                profiles.reconcileSoon(r.installProfile());
                commands.audit(actor, "policies.remediation", hostId, Map.of("policy", policy, "action", r.kind(), "profile", r.installProfile()));
                return "profile " + r.installProfile();
            }
            if (r.command() != null) {
                return "command " + commands.queue(PolicyStore.JSON.valueToTree(r.command()), hostId, actor, detail);
            }
            return "refetch " + commands.refetch(hostId, actor, detail);
        };
    }

    /** Runs the task on the policy thread; a failure is logged, never thrown at a device request. */
    private static void run(ExecutorService executor, String what, Runnable task) {
        try {
            executor.execute(() -> guarded(what, task));
        } catch (RejectedExecutionException e) {
            // the server is stopping
        }
    }

    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("policies: {} failed: {}", what, e.toString(), e);
        }
    }

    @Override
    public void register(ApiRouter router) {
        api.register(router);
        compliance.register(router);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
