package dev.jmdm.server.dep;

import dev.jmdm.server.config.DepSettings;
import dev.jmdm.server.feature.Feature;
import dev.jmdm.server.feature.Services;
import dev.jmdm.server.http.ApiRouter;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Automated Device Enrollment, Apple Business Manager's side: the token key pair, tokens, the DEP API client, the sync
 * (every MDM_DEP_SYNC on its own {@code dep-sync} thread, since a sync waits on Apple and its backoff) and ADE profiles.
 */
public final class DepFeature implements Feature {
    /** Connecting to Apple takes seconds at worst; longer means it is not there. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The first sync waits this long after start, so a restarting fleet of servers does not all call Apple at once. */
    static final Duration FIRST_SYNC = Duration.ofSeconds(30);

    private final DepSettings settings;
    private final DepSync sync;
    private final DepApi api;
    private final AssignedDevices assigned;
    private ScheduledExecutorService scheduler;
    /** Shared by every token's client; see {@link #http()}. */
    private HttpClient http;

    /** @param enrollUrl where Setup Assistant posts its MachineInfo: the default url of ADE profiles */
    public DepFeature(DepSettings settings, Services services, Supplier<URI> enrollUrl) {
        this(settings, services, enrollUrl, DepClient.Retry.DEFAULT);
    }

    public DepFeature(DepSettings settings, Services services, Supplier<URI> enrollUrl, DepClient.Retry retry) {
        this.settings = settings;
        var jdbi = services.jdbi();
        var clock = services.clock();
        DepServerKey key = new DepServerKey(jdbi, services.secrets(), clock);
        DepTokenStore tokens = new DepTokenStore(jdbi, services.secrets(), clock);
        DepDeviceStore devices = new DepDeviceStore(jdbi, clock);
        DepProfileStore profiles = new DepProfileStore(jdbi, clock);
        this.sync = new DepSync(tokens, devices, profiles, services.hosts(),
                (name, token) -> new DepClient(settings.url(), token, http(), retry, clock), clock);
        this.api = new DepApi(key, tokens, devices, profiles, sync, enrollUrl, services.maxBody());
        this.assigned = new AssignedDevices(jdbi);
    }

    /**
     * Built on the first call to Apple, not at start: an HTTP client loads the JDK's TLS stack and its CA store, a tenth
     * of a second of CPU that a server without ABM tokens never needs.
     */
    private synchronized HttpClient http() {
        if (http == null) {
            http = DepClient.httpClient(CONNECT_TIMEOUT);
        }
        return http;
    }

    @Override
    public void start() {
        if (settings.sync().isZero()) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dep-sync");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(sync::syncAll, FIRST_SYNC.toSeconds(), settings.sync().toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void register(ApiRouter router) {
        api.register(router);
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** What Setup Assistant enrollment asks: is a serial assigned here, with which profile. */
    public AssignedDevices assignedDevices() {
        return assigned;
    }

    /** Syncs every token now (tests; operators use POST /v1/dep/tokens/{name}/sync). */
    public void syncAll() {
        sync.syncAll();
    }
}
