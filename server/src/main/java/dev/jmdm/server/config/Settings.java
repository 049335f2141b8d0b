package dev.jmdm.server.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Everything the server is configured with, validated once at start. Built by
 * {@link SettingsParser} from command-line flags and {@code MDM_*} environment variables.
 *
 * @param listen       address to listen on
 * @param storage      which database engine holds the data
 * @param dsn          JDBC URL for MySQL/MariaDB (required when storage is mysql)
 * @param dataDir      folder for the embedded database and other local files
 * @param apiKey       password of the admin API's Basic auth; null turns the API off
 * @param caFile       PEM file of CA certificates that issue device identities; null refuses all devices
 * @param certHeader   header carrying a proxy-forwarded client certificate; null ignores such headers
 * @param maxBodyBytes largest request body accepted
 * @param migration    whether POST /migration (identity-less check-ins from another server) is on
 * @param logLevel     root log level
 * @param apns         where APNs pushes go and how they are trusted
 * @param secretKey    key material that encrypts push certificate keys at rest; null: a key file in dataDir
 * @param tls          the HTTPS listener's certificate and key; null: plain HTTP (TLS ends at a proxy, or tests)
 * @param enroll       enrollment profiles: device CA, profile signing, public URL, token requirement
 * @param profiles     configuration profile sweep and ProfileList intervals
 * @param inventoryInterval how often each host's inventory (DeviceInformation, SecurityInfo, apps) is refreshed; zero: only on enrollment and refetch
 * @param inventory    whether the server queues inventory queries on its own (on enrollment and periodically);
 *                     false leaves the queue to admins, as nanomdm does (refetch still works)
 * @param apiKeys      every admin API credential, Basic user name to key: {@code nanomdm} for apiKey plus the named
 *                     keys of MDM_API_KEYS; the user name is who the audit log records
 * @param wipeRebind   how long after this server delivered an EraseDevice the wiped device may enroll again with a new
 *                     identity (a re-bind grant); zero: only after an admin releases its certificate
 * @param capacity     database pool, request workers and HTTP timeouts
 * @param scep         the SCEP server and the identity enrollment profiles carry
 */
public record Settings(
        InetSocketAddress listen,
        Storage storage,
        String dsn,
        Path dataDir,
        String apiKey,
        Path caFile,
        String certHeader,
        long maxBodyBytes,
        boolean migration,
        String logLevel,
        Apns apns,
        String secretKey,
        Tls tls,
        Enroll enroll,
        Profiles profiles,
        java.time.Duration inventoryInterval,
        boolean inventory,
        java.util.Map<String, String> apiKeys,
        java.time.Duration wipeRebind, Capacity capacity, Scep scep) {

    public Settings {
        apiKeys = java.util.Map.copyOf(apiKeys);
    }

    /**
     * Configuration profile reconciliation.
     *
     * @param sweepEvery       how often every host's desired and current profiles are compared (0: only on triggers)
     * @param profileListEvery how often each enrolled host is asked for its ProfileList (0: only on enrollment and refresh)
     */
    public record Profiles(java.time.Duration sweepEvery, java.time.Duration profileListEvery) {
    }

    /**
     * HTTPS at this server.
     *
     * @param certFile PEM certificate, optionally followed by its chain
     * @param keyFile  PEM private key of that certificate (unencrypted)
     */
    public record Tls(Path certFile, Path keyFile) {
    }

    /**
     * Enrollment profiles ({@code GET /mdm/enroll}).
     *
     * @param deviceCaCert CA certificate that issues the identities in profiles; null: no profiles
     * @param deviceCaKey  its key
     * @param signingCert  certificate (and chain) that signs profiles; null: the TLS certificate, or unsigned
     * @param signingKey   its key
     * @param publicUrl    base URL devices reach the server at (no trailing slash); null: derived from the listener
     * @param requireToken whether {@code /mdm/enroll} needs a valid enrollment-link token
     */
    public record Enroll(Path deviceCaCert, Path deviceCaKey, Path signingCert, Path signingKey, java.net.URI publicUrl,
            boolean requireToken) {
    }

    /**
     * The SCEP server ({@code /scep}) and the identity in enrollment profiles.
     *
     * @param identity    what enrollment profiles carry: a SCEP payload (the device makes its key) or a PKCS#12 identity
     * @param validity    how long a SCEP-issued certificate is valid (never past the device CA's own end)
     * @param challenge   a static challenge for legacy tools, accepted any number of times; null: one-time challenges only
     * @param renewBefore how long before a device's SCEP certificate expires the server sends it a fresh enrollment profile
     */
    public record Scep(Identity identity, java.time.Duration validity, String challenge, java.time.Duration renewBefore) {
        public static final java.time.Duration DEFAULT_VALIDITY = java.time.Duration.ofDays(365);
        public static final java.time.Duration DEFAULT_RENEW_BEFORE = java.time.Duration.ofDays(30);

        /** The identity payload of enrollment profiles ({@code MDM_ENROLL_IDENTITY}). */
        public enum Identity { SCEP, PKCS12 }
    }

    /**
     * APNs settings.
     *
     * @param host           APNs host (production, sandbox, or a local stand-in)
     * @param port           its port
     * @param caFile         PEM of extra trust anchors for that host (a stand-in's CA); null: the JDK's
     * @param certWarnBefore how long before a push certificate expires it is reported as expiring
     * @param repushAfter    an enrollment with pending commands that has been silent this long is pushed again
     * @param timeout        how long a caller (an API request, the re-push sweep, a background push) waits for APNs's
     *                       answers; pushes still unanswered then go on in the background and are reported pending
     */
    public record Apns(String host, int port, Path caFile, java.time.Duration certWarnBefore, java.time.Duration repushAfter,
            java.time.Duration timeout) {
        public static final String PRODUCTION = "api.push.apple.com";
        public static final String SANDBOX = "api.sandbox.push.apple.com";
        public static final java.time.Duration DEFAULT_TIMEOUT = java.time.Duration.ofSeconds(5);
        /** An admin request should not hold a worker longer than this, whatever the setting says. */
        public static final java.time.Duration MAX_TIMEOUT = java.time.Duration.ofSeconds(60);
    }

    public static final int DEFAULT_PORT = 9000;
    public static final long DEFAULT_MAX_BODY = 8L * 1024 * 1024;

    /** Storage engines. */
    public enum Storage {
        EMBEDDED, MYSQL;

        static Storage parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new SettingsException("MDM_STORAGE: '" + value + "' is not a storage engine; use embedded or mysql");
            }
        }
    }

    public boolean apiEnabled() {
        return !apiKeys.isEmpty();
    }

    /** The JDBC URL actually used: the DSN for MySQL, an H2 file in MySQL mode under dataDir otherwise. */
    public String jdbcUrl() {
        if (storage == Storage.MYSQL) {
            return dsn;
        }
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("mdm") + ";" + EMBEDDED_URL_OPTIONS;
    }

    /** H2 options that make it accept our MySQL-flavoured SQL. */
    public static final String EMBEDDED_URL_OPTIONS = "MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE";
}
