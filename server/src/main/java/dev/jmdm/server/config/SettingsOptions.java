package dev.jmdm.server.config;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The server's command line: one typed option per setting, its default read from its {@code MDM_*} variable
 * ({@code ${env:NAME:-default}}, resolved by {@link EnvironmentDefaults}), its text converted and range-checked by
 * {@link Converters}. The description starts with the variable, so {@code --help} lists both names.
 */
@Command(name = "mdm-server", versionProvider = SettingsOptions.VersionProvider.class,
        description = "An open Apple MDM server. Every flag can also be set with the MDM_* variable named in its description.",
        sortOptions = false)
final class SettingsOptions {
    // Declared here rather than mixed in: picocli's standard help options name themselves through variables, and the
    // parser turns variable interpolation off.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print version information and exit.")
    boolean version;
    // The listener (HttpSettings) and the admin API (ApiSettings).
    @Option(names = "--listen", paramLabel = "[HOST]:PORT", defaultValue = "${env:MDM_LISTEN:-:9000}", converter = Converters.Listen.class,
            description = "MDM_LISTEN: address to listen on (default :9000)")
    InetSocketAddress listen;
    @Option(names = "--storage", paramLabel = "ENGINE", defaultValue = "${env:MDM_STORAGE:-embedded}", converter = Converters.Engine.class,
            description = "MDM_STORAGE: embedded (default) or mysql")
    StorageSettings.Engine storage;
    @Option(names = "--dsn", paramLabel = "JDBC_URL", defaultValue = "${env:MDM_DSN}",
            description = "MDM_DSN: JDBC URL of the MySQL/MariaDB database, for --storage mysql")
    String dsn;
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:MDM_DATA_DIR:-./data}",
            description = "MDM_DATA_DIR: folder for the embedded store (default ./data)")
    Path dataDir;
    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:MDM_API_KEY}",
            description = "MDM_API_KEY: admin API password (user nanomdm); the API is off without it")
    String apiKey;
    @Option(names = "--api-keys", paramLabel = "NAME:KEY", split = ",", defaultValue = "${env:MDM_API_KEYS}",
            description = "MDM_API_KEYS: named admin API keys, comma-separated, Basic user NAME and password KEY; the name is recorded in the audit log")
    List<String> apiKeys;
    @Option(names = "--ca", paramLabel = "PEM", defaultValue = "${env:MDM_CA}",
            description = "MDM_CA: PEM file of the CA certificates that issue device identities")
    Path ca;
    @Option(names = "--cert-header", paramLabel = "NAME", defaultValue = "${env:MDM_CERT_HEADER}", converter = Converters.HeaderName.class,
            description = "MDM_CERT_HEADER: header with a client certificate forwarded by a TLS proxy")
    String certHeader;
    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "${env:MDM_MAX_BODY:-8MiB}", converter = Converters.BodySize.class,
            description = "MDM_MAX_BODY: largest request body, e.g. 8MiB (default), 512KiB, 1000000")
    long maxBody;
    @Option(names = "--migration", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", defaultValue = "${env:MDM_MIGRATION:-false}",
            converter = Converters.Bool.class, description = "MDM_MIGRATION: enable POST /migration (default false)")
    boolean migration;
    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "${env:MDM_LOG_LEVEL:-info}", converter = Converters.LogLevel.class,
            description = "MDM_LOG_LEVEL: error, warn, info (default), debug or trace")
    String logLevel;
    // Push (ApnsSettings).
    @Option(names = "--apns-url", paramLabel = "URL", defaultValue = "${env:MDM_APNS_URL:-production}", converter = Converters.ApnsUrl.class,
            description = "MDM_APNS_URL: production (default), sandbox, or https://HOST:PORT of a stand-in")
    InetSocketAddress apnsUrl;
    @Option(names = "--apns-ca", paramLabel = "PEM", defaultValue = "${env:MDM_APNS_CA}",
            description = "MDM_APNS_CA: extra CA certificates to trust for the APNs host")
    Path apnsCa;
    @Option(names = "--push-cert-warn", paramLabel = "DURATION", defaultValue = "${env:MDM_PUSH_CERT_WARN:-30d}", converter = Converters.AnyDuration.class,
            description = "MDM_PUSH_CERT_WARN: warn this long before a push certificate expires (default 30d)")
    Duration pushCertWarn;
    @Option(names = "--repush-after", paramLabel = "DURATION", defaultValue = "${env:MDM_REPUSH_AFTER:-15m}", converter = Converters.AnyDuration.class,
            description = "MDM_REPUSH_AFTER: push again when commands wait and the device was silent this long (default 15m; 0 turns it off)")
    Duration repushAfter;
    @Option(names = "--push-rate", paramLabel = "N", defaultValue = "${env:MDM_PUSH_RATE:-2000}", converter = Converters.PushRate.class,
            description = "MDM_PUSH_RATE: pushes per second at most, spread with jitter, so a rollout to many hosts is not answered in one second (default 2000; 0: unpaced)")
    int pushRate;
    // The queue (QueueSettings).
    @Option(names = "--result-retention", paramLabel = "DURATION", defaultValue = "${env:MDM_RESULT_RETENTION:-30d}", converter = Converters.QueueAge.class,
            description = "MDM_RESULT_RETENTION: keep finished commands and their results this long, then delete them (default 30d, 1d to 3650d; 0: for ever)")
    Duration resultRetention;
    @Option(names = "--command-ttl", paramLabel = "DURATION", defaultValue = "${env:MDM_COMMAND_TTL:-30d}", converter = Converters.QueueAge.class,
            description = "MDM_COMMAND_TTL: a command pending this long for a device not seen as long ends as Expired (default 30d, 1d to 3650d; 0: never)")
    Duration commandTtl;
    // The sealing key (StorageSettings) and HTTPS (HttpSettings).
    @Option(names = "--secret-key", paramLabel = "KEY", defaultValue = "${env:MDM_SECRET_KEY}",
            description = "MDM_SECRET_KEY: encrypts push certificate keys at rest (e.g. openssl rand -base64 32); default: a key file in the data dir")
    String secretKey;
    @Option(names = "--tls-cert", paramLabel = "PEM", defaultValue = "${env:MDM_TLS_CERT}",
            description = "MDM_TLS_CERT: certificate (and chain) of the HTTPS listener; with --tls-key turns HTTPS on")
    Path tlsCert;
    @Option(names = "--tls-key", paramLabel = "PEM", defaultValue = "${env:MDM_TLS_KEY}",
            description = "MDM_TLS_KEY: private key of MDM_TLS_CERT")
    Path tlsKey;
    // Enrollment (EnrollSettings).
    @Option(names = "--device-ca-cert", paramLabel = "PEM", defaultValue = "${env:MDM_DEVICE_CA_CERT}",
            description = "MDM_DEVICE_CA_CERT: CA that issues the identities in enrollment profiles (also trusted for devices)")
    Path deviceCaCert;
    @Option(names = "--device-ca-key", paramLabel = "PEM", defaultValue = "${env:MDM_DEVICE_CA_KEY}",
            description = "MDM_DEVICE_CA_KEY: private key of MDM_DEVICE_CA_CERT")
    Path deviceCaKey;
    @Option(names = "--signing-cert", paramLabel = "PEM", defaultValue = "${env:MDM_SIGNING_CERT}",
            description = "MDM_SIGNING_CERT: certificate (and chain) that signs enrollment profiles (default: the TLS certificate)")
    Path signingCert;
    @Option(names = "--signing-key", paramLabel = "PEM", defaultValue = "${env:MDM_SIGNING_KEY}",
            description = "MDM_SIGNING_KEY: private key of MDM_SIGNING_CERT")
    Path signingKey;
    @Option(names = "--public-url", paramLabel = "URL", defaultValue = "${env:MDM_PUBLIC_URL}", converter = Converters.PublicUrl.class,
            description = "MDM_PUBLIC_URL: base URL devices reach this server at, e.g. https://mdm.example.org (default: from the listener)")
    URI publicUrl;
    @Option(names = "--dep-device-ca", paramLabel = "PEM", defaultValue = "${env:MDM_DEP_DEVICE_CA}",
            description = "MDM_DEP_DEVICE_CA: CA certificates a Setup Assistant MachineInfo's signer must chain to (default: Apple Root CA, bundled)")
    Path depDeviceCa;
    @Option(names = "--enroll-require-token", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            defaultValue = "${env:MDM_ENROLL_REQUIRE_TOKEN:-false}", converter = Converters.Bool.class,
            description = "MDM_ENROLL_REQUIRE_TOKEN: /mdm/enroll only with a valid enrollment-link token (default false)")
    boolean enrollRequireToken;
    // Profiles (ProfileSettings).
    @Option(names = "--profile-sweep", paramLabel = "DURATION", defaultValue = "${env:MDM_PROFILE_SWEEP:-10m}", converter = Converters.AnyDuration.class,
            description = "MDM_PROFILE_SWEEP: compare every host's desired and current profiles this often (default 10m; 0: only when something changes)")
    Duration profileSweep;
    @Option(names = "--profile-list-every", paramLabel = "DURATION", defaultValue = "${env:MDM_PROFILE_LIST_EVERY:-1d}", converter = Converters.AnyDuration.class,
            description = "MDM_PROFILE_LIST_EVERY: ask each host for its ProfileList this often (default 1d; 0: only on enrollment and refresh)")
    Duration profileListEvery;
    // Policies (PolicySettings).
    @Option(names = "--policy-sweep", paramLabel = "DURATION", defaultValue = "${env:MDM_POLICY_SWEEP:-15m}", converter = Converters.AnyDuration.class,
            description = "MDM_POLICY_SWEEP: re-evaluate every policy for every host this often, one server at a time (default 15m; 0: only on changes)")
    Duration policySweep;
    // Hosts (HostsSettings).
    @Option(names = "--inventory-interval", paramLabel = "DURATION", defaultValue = "${env:MDM_INVENTORY_INTERVAL:-24h}",
            converter = Converters.InventoryInterval.class,
            description = "MDM_INVENTORY_INTERVAL: refresh each host's inventory this often, spread over time (default 24h; 0: only on enrollment and refetch)")
    Duration inventoryInterval;
    @Option(names = "--inventory", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", defaultValue = "${env:MDM_INVENTORY:-true}",
            converter = Converters.Bool.class,
            description = "MDM_INVENTORY: queue inventory queries on enrollment and periodically (default true; false: only on refetch)")
    boolean inventory;
    @Option(names = "--wipe-rebind", paramLabel = "DURATION", defaultValue = "${env:MDM_WIPE_REBIND:-30d}", converter = Converters.WipeRebind.class,
            description = "MDM_WIPE_REBIND: after this server delivered a wipe, the device may enroll again with a new identity for this long (default 30d; 0: only after an admin releases its certificate)")
    Duration wipeRebind;
    // Capacity.
    // Automated Device Enrollment (DepSettings).
    @Option(names = "--dep-url", paramLabel = "URL", defaultValue = "${env:MDM_DEP_URL:-https://mdmenrollment.apple.com}",
            converter = Converters.PublicUrl.class,
            description = "MDM_DEP_URL: Apple's DEP API (default https://mdmenrollment.apple.com; a stand-in's URL in tests)")
    URI depUrl;
    @Option(names = "--dep-sync", paramLabel = "DURATION", defaultValue = "${env:MDM_DEP_SYNC:-15m}", converter = Converters.AnyDuration.class,
            description = "MDM_DEP_SYNC: how often devices assigned in Apple Business Manager are synced (default 15m, at least 1m; 0: only on demand)")
    Duration depSync;

    // SCEP (ScepSettings).
    @Option(names = "--enroll-identity", paramLabel = "scep|pkcs12", defaultValue = "${env:MDM_ENROLL_IDENTITY:-scep}",
            converter = Converters.EnrollIdentity.class,
            description = "MDM_ENROLL_IDENTITY: scep (default: profiles carry a SCEP payload, the device makes its key) or pkcs12 (a PKCS#12 identity in the profile)")
    ScepSettings.Identity enrollIdentity;
    @Option(names = "--scep-validity", paramLabel = "DURATION", defaultValue = "${env:MDM_SCEP_VALIDITY:-365d}", converter = Converters.AnyDuration.class,
            description = "MDM_SCEP_VALIDITY: how long SCEP-issued device certificates are valid (default 365d, 1h to 3650d)")
    Duration scepValidity;
    @Option(names = "--scep-challenge", paramLabel = "SECRET", defaultValue = "${env:MDM_SCEP_CHALLENGE}",
            description = "MDM_SCEP_CHALLENGE: a static SCEP challenge for legacy tools (default: none; profiles carry one-time challenges)")
    String scepChallenge;
    @Option(names = "--renew-before", paramLabel = "DURATION", defaultValue = "${env:MDM_RENEW_BEFORE:-30d}", converter = Converters.AnyDuration.class,
            description = "MDM_RENEW_BEFORE: renew a device's SCEP certificate this long before it expires (default 30d; 0: never)")
    Duration renewBefore;

    @Option(names = "--db-pool", paramLabel = "N", defaultValue = "${env:MDM_DB_POOL:-16}", converter = Converters.PoolSize.class,
            description = "MDM_DB_POOL: database connections in the pool (default 16)")
    int dbPool;
    @Option(names = "--workers", paramLabel = "N", defaultValue = "${env:MDM_WORKERS}", converter = Converters.Workers.class,
            description = "MDM_WORKERS: request worker threads (default MDM_DB_POOL x 4)")
    Integer workers;
    @Option(names = "--header-timeout", paramLabel = "DURATION", defaultValue = "${env:MDM_HEADER_TIMEOUT:-30s}", converter = Converters.Timeout.class,
            description = "MDM_HEADER_TIMEOUT: a request's line and headers must arrive within this (default 30s)")
    Duration headerTimeout;
    @Option(names = "--body-timeout", paramLabel = "DURATION", defaultValue = "${env:MDM_BODY_TIMEOUT:-60s}", converter = Converters.Timeout.class,
            description = "MDM_BODY_TIMEOUT: the whole request body must arrive within this, else 408 and the connection closes (default 60s)")
    Duration bodyTimeout;
    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "${env:MDM_IDLE_TIMEOUT:-60s}", converter = Converters.Timeout.class,
            description = "MDM_IDLE_TIMEOUT: close a kept-alive connection idle this long (default 60s)")
    Duration idleTimeout;
    @Option(names = "--apns-timeout", paramLabel = "DURATION", defaultValue = "${env:MDM_APNS_TIMEOUT:-5s}", converter = Converters.ApnsTimeout.class,
            description = "MDM_APNS_TIMEOUT: longest an API call (or background push) waits for APNs before answering the push as pending (default 5s, at most 60s)")
    Duration apnsTimeout;

    @Option(names = "--admin-email", paramLabel = "EMAIL", defaultValue = "${env:MDM_ADMIN_EMAIL}",
            description = "MDM_ADMIN_EMAIL: the first admin, created at start when no user exists (with MDM_ADMIN_PASSWORD)")
    String adminEmail;
    @Option(names = "--admin-password", paramLabel = "PASSWORD", defaultValue = "${env:MDM_ADMIN_PASSWORD}",
            description = "MDM_ADMIN_PASSWORD: the first admin's password (prefer the variable: a flag shows in the process list)")
    String adminPassword;
    @Option(names = "--session-idle", paramLabel = "DURATION", defaultValue = "${env:MDM_SESSION_IDLE:-1h}", converter = Converters.AnyDuration.class,
            description = "MDM_SESSION_IDLE: a console session unused this long ends (default 1h)")
    Duration sessionIdle;
    @Option(names = "--session-max", paramLabel = "DURATION", defaultValue = "${env:MDM_SESSION_MAX:-12h}", converter = Converters.AnyDuration.class,
            description = "MDM_SESSION_MAX: a console session ends this long after sign-in, used or not (default 12h)")
    Duration sessionMax;
    @Option(names = "--password-min-length", paramLabel = "N", defaultValue = "${env:MDM_PASSWORD_MIN_LENGTH:-12}",
            description = "MDM_PASSWORD_MIN_LENGTH: shortest user password accepted (default 12, at least 8)")
    int passwordMinLength;
    @Option(names = "--signin-failures", paramLabel = "N", defaultValue = "${env:MDM_SIGNIN_FAILURES:-5}",
            description = "MDM_SIGNIN_FAILURES: failed sign-ins for one email (or 4x as many from one address) before a lockout (default 5)")
    int signInFailures;
    @Option(names = "--signin-lockout", paramLabel = "DURATION", defaultValue = "${env:MDM_SIGNIN_LOCKOUT:-5m}", converter = Converters.AnyDuration.class,
            description = "MDM_SIGNIN_LOCKOUT: how long a sign-in lockout lasts, doubled for each one in a row (default 5m, at most 24h)")
    Duration signInLockout;

    /** The parsed values grouped into their records; files are checked here, where their contents are read. */
    Settings settings() {
        StorageSettings storageSettings = new StorageSettings(storage, dsn, dataDir, secretKey);
        ApiSettings api = new ApiSettings(ApiSettings.keys(apiKey, apiKeys), migration);
        Path deviceCa = PemFiles.certificates("MDM_CA", ca, "a PEM file of the CA certificates that issue device identities");
        HttpSettings.Tls tls = PemFiles.identity("MDM_TLS_CERT", tlsCert, "MDM_TLS_KEY", tlsKey) ? new HttpSettings.Tls(tlsCert, tlsKey) : null;
        HttpSettings http = new HttpSettings(listen, maxBody, tls, deviceCa, certHeader);
        ApnsSettings apns = new ApnsSettings(apnsUrl.getHostString(), apnsUrl.getPort(),
                PemFiles.certificates("MDM_APNS_CA", apnsCa, "a PEM file of the CA certificates to trust for APNs"),
                pushCertWarn, repushAfter, apnsTimeout, pushRate);
        PemFiles.identity("MDM_DEVICE_CA_CERT", deviceCaCert, "MDM_DEVICE_CA_KEY", deviceCaKey);
        PemFiles.identity("MDM_SIGNING_CERT", signingCert, "MDM_SIGNING_KEY", signingKey);
        EnrollSettings enroll = new EnrollSettings(deviceCaCert, deviceCaKey, signingCert, signingKey, publicUrl, enrollRequireToken);
        Capacity capacity = new Capacity(dbPool, workers == null ? Capacity.defaultWorkers(dbPool) : workers, headerTimeout,
                bodyTimeout, idleTimeout);
        return new Settings(http, api, storageSettings, capacity, apns, enroll, new ProfileSettings(profileSweep, profileListEvery),
                new HostsSettings(inventory, inventoryInterval, wipeRebind), logLevel,
                new ScepSettings(enrollIdentity, scepValidity, scepChallenge == null || scepChallenge.isBlank() ? null : scepChallenge, renewBefore),
                new AccountSettings(sessionIdle, sessionMax, passwordMinLength, signInFailures, signInLockout, adminEmail, adminPassword),
                new DepSettings(depUrl, depSync),
                new PolicySettings(policySweep),
                QueueSettings.builder().resultRetention(resultRetention).commandTtl(commandTtl).build(),
                new AdeSettings(PemFiles.certificates("MDM_DEP_DEVICE_CA", depDeviceCa,
                        "a PEM file of the CA certificates that sign devices' MachineInfo (Apple Root CA for real devices)")));
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mdm-server " + Version.current()};
        }
    }
}
