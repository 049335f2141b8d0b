package dev.jmdm.server.dep;

import dev.jmdm.server.storage.HostStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs one token's devices from the DEP API into dep_devices and the host list. Without a cursor it fetches
 * everything ({@code /server/devices}, page by page) and afterwards marks this token's devices the fetch did not list
 * as disowned; with one it asks {@code /devices/sync} what changed. A cursor Apple refuses (malformed, expired) starts
 * a full fetch instead. New devices become pending hosts (the hosts API's pre-registration) and get the default ADE
 * profile; disowned ones leave the pending list. One sync per token at a time, across servers: a lease on the token's
 * row, renewed as pages go by.
 */
public final class DepSync {
    private static final Logger LOG = LoggerFactory.getLogger(DepSync.class);
    /** Devices per page: Apple's maximum. */
    static final int PAGE = 1000;
    /** Serials per assignment call. */
    static final int ASSIGN_BATCH = 1000;
    /** How long a lease lasts without renewal; a server that dies mid-sync holds the token this long at most. */
    static final Duration LEASE = Duration.ofMinutes(10);
    /** A stuck cursor loop ends here (Apple says more_to_follow with the same cursor, say). */
    static final int MAX_PAGES = 10_000;

    /** What a sync did. */
    public record Result(String token, boolean fullFetch, int devicesListed, int newDevices, int disowned, int profilesAssigned) {
    }

    /** Another server (or another call) is syncing this token. */
    public static final class Busy extends RuntimeException {
        Busy(String token) {
            super("a sync of DEP token " + token + " is already running");
        }
    }

    private final DepTokenStore tokens;
    private final DepDeviceStore devices;
    private final DepProfileStore profiles;
    private final HostStore hosts;
    private final BiFunction<String, DepToken, DepClient> clients;
    private final Clock clock;
    private final String owner = UUID.randomUUID().toString();

    public DepSync(DepTokenStore tokens, DepDeviceStore devices, DepProfileStore profiles, HostStore hosts,
            BiFunction<String, DepToken, DepClient> clients, Clock clock) {
        this.tokens = tokens;
        this.devices = devices;
        this.profiles = profiles;
        this.hosts = hosts;
        this.clients = clients;
        this.clock = clock;
    }

    /**
     * Syncs every token whose lease is free; failures are logged and recorded on the token, never thrown (a scheduled
     * task that throws is never run again).
     */
    public void syncAll() {
        List<String> names;
        try {
            names = tokens.names();
        } catch (RuntimeException e) {
            LOG.warn("DEP sync: cannot read the tokens: {}", e.getMessage());
            return;
        }
        for (String name : names) {
            try {
                sync(name);
            } catch (Busy busy) {
                LOG.debug("{}", busy.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("DEP sync of token {} failed: {}", name, e.getMessage());
            }
        }
    }

    /**
     * Syncs one token now.
     *
     * @throws Busy                      when another sync of it runs
     * @throws java.util.NoSuchElementException when there is no such token
     * @throws DepApiException           when the DEP API refused (recorded on the token as well)
     */
    public Result sync(String name) {
        DepToken token = tokens.token(name).orElseThrow(() -> new java.util.NoSuchElementException("no DEP token " + name));
        if (!tokens.lease(name, owner, clock.millis() + LEASE.toMillis())) {
            throw new Busy(name);
        }
        String cursor = null;
        Integer seen = null;
        String error = null;
        try {
            DepClient client = clients.apply(name, token);
            tokens.account(name, client.account());
            Outcome o = changes(name, client, tokens.cursor(name).orElse(null));
            cursor = o.cursor;
            int assigned = assignDefault(name, client);
            seen = o.fullFetch ? o.listed : null;
            Result r = new Result(name, o.fullFetch, o.listed, o.fresh, o.disowned, assigned);
            LOG.info("DEP sync of {}: {} device(s) listed{}, {} new, {} disowned, {} assigned the default profile", name, r.devicesListed(),
                    r.fullFetch() ? " (full fetch)" : "", r.newDevices(), r.disowned(), r.profilesAssigned());
            return r;
        } catch (RuntimeException e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
            throw e;
        } finally {
            tokens.finish(name, owner, cursor, error, seen);
        }
    }

    private static final class Outcome {
        boolean fullFetch;
        int listed;
        int fresh;
        int disowned;
        String cursor;
    }

    private Outcome changes(String name, DepClient client, String cursor) {
        if (cursor != null) {
            try {
                return pages(name, client, cursor, false);
            } catch (DepApiException e) {
                if (!e.badCursor()) {
                    throw e;
                }
                LOG.info("DEP API refused token {}'s cursor ({}): fetching every device again", name, e.code());
                tokens.clearCursor(name);
            }
        }
        return pages(name, client, null, true);
    }

    private Outcome pages(String name, DepClient client, String cursor, boolean full) {
        Outcome o = new Outcome();
        o.fullFetch = full;
        Set<String> listed = new HashSet<>();
        String c = cursor;
        for (int n = 0; ; n++) {
            if (n >= MAX_PAGES) {
                throw new DepApiException(200, null, "the DEP API kept saying more_to_follow after " + MAX_PAGES + " pages");
            }
            DepClient.Page page = full ? client.fetchDevices(c, PAGE) : client.syncDevices(c, PAGE);
            List<DepDevice> present = new ArrayList<>();
            List<String> gone = new ArrayList<>();
            for (DepDevice d : page.devices()) {
                if (d.gone()) {
                    gone.add(d.serialNumber());
                } else {
                    present.add(d);
                    listed.add(d.serialNumber());
                }
            }
            Set<String> fresh = devices.upsert(name, present);
            if (!fresh.isEmpty()) {
                hosts.preRegister(fresh);
            }
            o.fresh += fresh.size();
            o.listed += present.size();
            o.disowned += leave(name, gone);
            if (page.cursor() != null) {
                c = page.cursor();
            }
            tokens.lease(name, owner, clock.millis() + LEASE.toMillis());
            if (!page.moreToFollow()) {
                break;
            }
        }
        if (full) {
            o.disowned += leaveMarked(devices.disownAllBut(name, listed));
        }
        o.cursor = c;
        return o;
    }

    private int leave(String name, List<String> gone) {
        return leaveMarked(devices.disown(name, gone));
    }

    /** Devices just marked disowned: their hosts that never enrolled leave the host list (enrolled ones stay, marked). */
    private int leaveMarked(List<String> marked) {
        for (long host : devices.pendingHosts(marked)) {
            hosts.forget(host);
        }
        return marked.size();
    }

    private int assignDefault(String name, DepClient client) {
        var profile = profiles.defaultProfile();
        if (profile.isEmpty()) {
            return 0;
        }
        List<String> serials = devices.withoutProfile(name);
        return serials.isEmpty() ? 0 : (int) assign(name, client, profile.get(), serials).values().stream().filter("SUCCESS"::equals).count();
    }

    /** Defines the profile for this token if Apple has not got this version yet, then assigns it; Apple's word per serial. */
    Map<String, String> assign(String name, DepClient client, DepProfileStore.Stored profile, List<String> serials) {
        String uuid = define(name, client, profile);
        Map<String, String> all = new java.util.TreeMap<>();
        for (int i = 0; i < serials.size(); i += ASSIGN_BATCH) {
            List<String> batch = serials.subList(i, Math.min(serials.size(), i + ASSIGN_BATCH));
            Map<String, String> outcome = client.assignProfile(uuid, batch);
            List<String> ok = batch.stream().filter(s -> "SUCCESS".equals(outcome.get(s))).toList();
            devices.assigned(ok, profile.name(), uuid);
            batch.forEach(serial -> all.put(serial, outcome.getOrDefault(serial, "NO_ANSWER")));
            if (ok.size() < batch.size()) {
                LOG.warn("DEP API did not assign profile {} to {} device(s) of token {}: {}", profile.name(), batch.size() - ok.size(), name,
                        batch.stream().filter(s -> !"SUCCESS".equals(outcome.get(s))).limit(10)
                                .map(s -> s + "=" + outcome.getOrDefault(s, "no answer")).toList());
            }
        }
        return all;
    }

    String define(String name, DepClient client, DepProfileStore.Stored profile) {
        var known = profiles.uuid(profile, name);
        if (known.isPresent()) {
            return known.get();
        }
        String uuid = client.defineProfile(profile.body());
        profiles.defined(profile, name, uuid);
        return uuid;
    }

    /** Runs work with a token's client under its lease (profile definitions and assignments from the API). */
    public <T> T withClient(String name, BiFunction<DepSync, DepClient, T> work) {
        DepToken token = tokens.token(name).orElseThrow(() -> new java.util.NoSuchElementException("no DEP token " + name));
        return work.apply(this, clients.apply(name, token));
    }
}
