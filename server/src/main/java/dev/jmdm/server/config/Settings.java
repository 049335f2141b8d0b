package dev.jmdm.server.config;

import java.util.Objects;

/**
 * Everything the server is configured with, validated once at start: one small record per part, each with its named
 * defaults. Built by {@link SettingsParser} from command-line flags and {@code MDM_*} environment variables.
 *
 * @param http     the listener, bodies, HTTPS and device trust
 * @param api      the admin API's keys and POST /migration
 * @param storage  the database and the key that seals secrets
 * @param capacity database pool, request workers and HTTP timeouts
 * @param apns     where pushes go and how long callers wait
 * @param enroll   enrollment profiles
 * @param profiles configuration profile sweep and ProfileList intervals
 * @param hosts    inventory and wipe re-binding
 * @param scep     the SCEP server and the identity enrollment profiles carry
 * @param logLevel root log level (MDM_LOG_LEVEL)
 * @param accounts console users: sessions, passwords, lockout, the first admin
 * @param dep      Apple's DEP API and the ADE sync
 * @param policies compliance policies' periodic sweep
 * @param queue    how long finished commands are kept and pending ones wait
 * @param ade      Setup Assistant enrollment: whose signature a MachineInfo must carry
 */
public record Settings(
        HttpSettings http,
        ApiSettings api,
        StorageSettings storage,
        Capacity capacity,
        ApnsSettings apns,
        EnrollSettings enroll,
        ProfileSettings profiles,
        HostsSettings hosts,
        String logLevel,
        ScepSettings scep,
        AccountSettings accounts,
        DepSettings dep,
        PolicySettings policies,
        QueueSettings queue,
        AdeSettings ade) {
    public static final String DEFAULT_LOG_LEVEL = "info";

    public Settings {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(apns, "apns");
        Objects.requireNonNull(enroll, "enroll");
        Objects.requireNonNull(profiles, "profiles");
        Objects.requireNonNull(hosts, "hosts");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(scep, "scep");
        Objects.requireNonNull(accounts, "accounts");
        Objects.requireNonNull(dep, "dep");
        Objects.requireNonNull(policies, "policies");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(ade, "ade");
    }

    /** H2 options that make it accept our MySQL-flavoured SQL. */
    public static final String EMBEDDED_URL_OPTIONS = "MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE";
}
