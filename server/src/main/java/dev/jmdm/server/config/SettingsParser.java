package dev.jmdm.server.config;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Reads settings from flags and {@code MDM_*} environment variables; a flag wins over its
 * variable. picocli does the flag parsing and usage text; validation is ours so that every
 * message names the setting.
 */
public final class SettingsParser {
    private SettingsParser() {
    }

    @Command(name = "mdm-server", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "An open Apple MDM server. Every flag can also be set with the MDM_* variable named in its description.",
            sortOptions = false)
    static final class Flags {
        @Option(names = "--listen", paramLabel = "[HOST]:PORT", description = "MDM_LISTEN: address to listen on (default :9000)")
        String listen;
        @Option(names = "--storage", paramLabel = "ENGINE", description = "MDM_STORAGE: embedded (default) or mysql")
        String storage;
        @Option(names = "--dsn", paramLabel = "JDBC_URL", description = "MDM_DSN: JDBC URL of the MySQL/MariaDB database, for --storage mysql")
        String dsn;
        @Option(names = "--data-dir", paramLabel = "DIR", description = "MDM_DATA_DIR: folder for the embedded store (default ./data)")
        String dataDir;
        @Option(names = "--api-key", paramLabel = "KEY", description = "MDM_API_KEY: admin API password (user nanomdm); the API is off without it")
        String apiKey;
        @Option(names = "--api-keys", paramLabel = "NAME:KEY,...", description = "MDM_API_KEYS: named admin API keys, Basic user NAME and password KEY; the name is recorded in the audit log")
        String apiKeys;
        @Option(names = "--ca", paramLabel = "PEM", description = "MDM_CA: PEM file of the CA certificates that issue device identities")
        String ca;
        @Option(names = "--cert-header", paramLabel = "NAME", description = "MDM_CERT_HEADER: header with a client certificate forwarded by a TLS proxy")
        String certHeader;
        @Option(names = "--max-body", paramLabel = "BYTES", description = "MDM_MAX_BODY: largest request body, e.g. 8MiB (default), 512KiB, 1000000")
        String maxBody;
        @Option(names = "--migration", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
                description = "MDM_MIGRATION: enable POST /migration (default false)")
        String migration;
        @Option(names = "--log-level", paramLabel = "LEVEL", description = "MDM_LOG_LEVEL: error, warn, info (default), debug or trace")
        String logLevel;
        @Option(names = "--apns-url", paramLabel = "URL", description = "MDM_APNS_URL: production (default), sandbox, or https://HOST:PORT of a stand-in")
        String apnsUrl;
        @Option(names = "--apns-ca", paramLabel = "PEM", description = "MDM_APNS_CA: extra CA certificates to trust for the APNs host")
        String apnsCa;
        @Option(names = "--push-cert-warn", paramLabel = "DURATION", description = "MDM_PUSH_CERT_WARN: warn this long before a push certificate expires (default 30d)")
        String pushCertWarn;
        @Option(names = "--repush-after", paramLabel = "DURATION", description = "MDM_REPUSH_AFTER: push again when commands wait and the device was silent this long (default 15m; 0 turns it off)")
        String repushAfter;
        @Option(names = "--secret-key", paramLabel = "KEY", description = "MDM_SECRET_KEY: encrypts push certificate keys at rest (e.g. openssl rand -base64 32); default: a key file in the data dir")
        String secretKey;
        @Option(names = "--tls-cert", paramLabel = "PEM", description = "MDM_TLS_CERT: certificate (and chain) of the HTTPS listener; with --tls-key turns HTTPS on")
        String tlsCert;
        @Option(names = "--tls-key", paramLabel = "PEM", description = "MDM_TLS_KEY: private key of MDM_TLS_CERT")
        String tlsKey;
        @Option(names = "--device-ca-cert", paramLabel = "PEM", description = "MDM_DEVICE_CA_CERT: CA that issues the identities in enrollment profiles (also trusted for devices)")
        String deviceCaCert;
        @Option(names = "--device-ca-key", paramLabel = "PEM", description = "MDM_DEVICE_CA_KEY: private key of MDM_DEVICE_CA_CERT")
        String deviceCaKey;
        @Option(names = "--signing-cert", paramLabel = "PEM", description = "MDM_SIGNING_CERT: certificate (and chain) that signs enrollment profiles (default: the TLS certificate)")
        String signingCert;
        @Option(names = "--signing-key", paramLabel = "PEM", description = "MDM_SIGNING_KEY: private key of MDM_SIGNING_CERT")
        String signingKey;
        @Option(names = "--public-url", paramLabel = "URL", description = "MDM_PUBLIC_URL: base URL devices reach this server at, e.g. https://mdm.example.org (default: from the listener)")
        String publicUrl;
        @Option(names = "--enroll-require-token", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
                description = "MDM_ENROLL_REQUIRE_TOKEN: /mdm/enroll only with a valid enrollment-link token (default false)")
        String enrollRequireToken;
        @Option(names = "--profile-sweep", paramLabel = "DURATION", description = "MDM_PROFILE_SWEEP: compare every host's desired and current profiles this often (default 10m; 0: only when something changes)")
        String profileSweep;
        @Option(names = "--profile-list-every", paramLabel = "DURATION", description = "MDM_PROFILE_LIST_EVERY: ask each host for its ProfileList this often (default 1d; 0: only on enrollment and refresh)")
        String profileListEvery;
        @Option(names = "--inventory-interval", paramLabel = "DURATION", description = "MDM_INVENTORY_INTERVAL: refresh each host's inventory this often, spread over time (default 24h; 0: only on enrollment and refetch)")
        String inventoryInterval;
        @Option(names = "--inventory", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
                description = "MDM_INVENTORY: queue inventory queries on enrollment and periodically (default true; false: only on refetch)")
        String inventory;
        @Option(names = "--wipe-rebind", paramLabel = "DURATION",
                description = "MDM_WIPE_REBIND: after this server delivered a wipe, the device may enroll again with a new identity for this long (default 30d; 0: only after an admin releases its certificate)")
        String wipeRebind;
        // SCEP (issue #15)
        @Option(names = "--enroll-identity", paramLabel = "scep|pkcs12", description = "MDM_ENROLL_IDENTITY: enrollment profiles carry a SCEP payload (default; the device makes its key) or a PKCS#12 identity")
        String enrollIdentity;
        @Option(names = "--scep-validity", paramLabel = "DURATION", description = "MDM_SCEP_VALIDITY: how long SCEP-issued device certificates are valid (default 365d)")
        String scepValidity;
        @Option(names = "--scep-challenge", paramLabel = "SECRET", description = "MDM_SCEP_CHALLENGE: a static SCEP challenge for legacy tools (default: none; profiles carry one-time challenges)")
        String scepChallenge;
        @Option(names = "--renew-before", paramLabel = "DURATION", description = "MDM_RENEW_BEFORE: renew a device's SCEP certificate this long before it expires (default 30d; 0: never)")
        String renewBefore;
        @CommandLine.Mixin
        CapacityFlags capacity = new CapacityFlags();
        @Option(names = "--apns-timeout", paramLabel = "DURATION", description = "MDM_APNS_TIMEOUT: longest an API call (or background push) waits for APNs before answering the push as pending (default 5s, at most 60s)")
        String apnsTimeout;
    }

    /** Parses the arguments and environment. Returns null when help or version was printed. */
    public static Settings parse(String[] args, Map<String, String> env) {
        Flags flags = new Flags();
        CommandLine cl = new CommandLine(flags);
        try {
            cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new SettingsException(e.getMessage() + "\n" + cl.getUsageMessage());
        }
        if (cl.isUsageHelpRequested()) {
            cl.usage(System.out);
            return null;
        }
        if (cl.isVersionHelpRequested()) {
            cl.printVersionHelp(System.out);
            return null;
        }
        return build(flags, env);
    }

    static Settings build(Flags f, Map<String, String> env) {
        InetSocketAddress listen = parseListen(pick(f.listen, env, "MDM_LISTEN", ":" + Settings.DEFAULT_PORT));
        Settings.Storage storage = Settings.Storage.parse(pick(f.storage, env, "MDM_STORAGE", "embedded"));
        String dsn = pick(f.dsn, env, "MDM_DSN", null);
        if (storage == Settings.Storage.MYSQL) {
            if (dsn == null) {
                throw new SettingsException("MDM_DSN: required with MDM_STORAGE=mysql, e.g. jdbc:mysql://127.0.0.1:3306/mdm?user=mdm&password=...");
            }
            if (!dsn.startsWith("jdbc:mysql:") && !dsn.startsWith("jdbc:mariadb:")) {
                throw new SettingsException("MDM_DSN: '" + redact(dsn) + "' is not a MySQL JDBC URL (jdbc:mysql://HOST:PORT/DATABASE?...)");
            }
            if (!namesDatabase(dsn)) {
                throw new SettingsException("MDM_DSN: '" + redact(dsn) + "' names no database; put it after the host, "
                        + "e.g. jdbc:mysql://127.0.0.1:3306/mdm?user=mdm&password=...");
            }
        } else if (dsn != null) {
            // Silently running on a fresh embedded store while the operator means their MySQL would look like data loss.
            throw new SettingsException("MDM_DSN: set, but MDM_STORAGE is embedded (the default), which would ignore it; "
                    + "set MDM_STORAGE=mysql to use that database, or unset MDM_DSN");
        }
        Path dataDir = Path.of(pick(f.dataDir, env, "MDM_DATA_DIR", "./data"));
        String apiKey = pick(f.apiKey, env, "MDM_API_KEY", null);
        java.util.Map<String, String> apiKeys = parseApiKeys(apiKey, pick(f.apiKeys, env, "MDM_API_KEYS", null));
        Path ca = certificateFile("MDM_CA", pick(f.ca, env, "MDM_CA", null), "a PEM file of the CA certificates that issue device identities");
        String certHeader = parseHeaderName("MDM_CERT_HEADER", pick(f.certHeader, env, "MDM_CERT_HEADER", null));
        long maxBody = parseSize(pick(f.maxBody, env, "MDM_MAX_BODY", null));
        boolean migration = parseBool("MDM_MIGRATION", pick(f.migration, env, "MDM_MIGRATION", "false"));
        if (migration && apiKeys.isEmpty()) {
            // Left on its own the endpoint would silently not exist: /migration is guarded by the admin API's keys.
            throw new SettingsException("MDM_MIGRATION: true needs MDM_API_KEY or MDM_API_KEYS, whose keys guard POST /migration");
        }
        String logLevel = pick(f.logLevel, env, "MDM_LOG_LEVEL", "info").toLowerCase(Locale.ROOT);
        if (!Set.of("error", "warn", "info", "debug", "trace").contains(logLevel)) {
            throw new SettingsException("MDM_LOG_LEVEL: '" + logLevel + "' is not a level; use error, warn, info, debug or trace");
        }
        Settings.Apns apns = parseApns(pick(f.apnsUrl, env, "MDM_APNS_URL", "production"),
                certificateFile("MDM_APNS_CA", pick(f.apnsCa, env, "MDM_APNS_CA", null), "a PEM file of the CA certificates to trust for APNs"),
                parseDuration("MDM_PUSH_CERT_WARN", pick(f.pushCertWarn, env, "MDM_PUSH_CERT_WARN", "30d")),
                parseDuration("MDM_REPUSH_AFTER", pick(f.repushAfter, env, "MDM_REPUSH_AFTER", "15m")),
                parseApnsTimeout(pick(f.apnsTimeout, env, "MDM_APNS_TIMEOUT", "5s")));
        String secretKey = pick(f.secretKey, env, "MDM_SECRET_KEY", null);
        if (secretKey != null && secretKey.length() < 16) {
            throw new SettingsException("MDM_SECRET_KEY: too short; use at least 16 random characters, e.g. openssl rand -base64 32");
        }
        Settings.Tls tls = null;
        Path[] tlsPair = identityPair("MDM_TLS_CERT", pick(f.tlsCert, env, "MDM_TLS_CERT", null),
                "MDM_TLS_KEY", pick(f.tlsKey, env, "MDM_TLS_KEY", null));
        if (tlsPair != null) {
            tls = new Settings.Tls(tlsPair[0], tlsPair[1]);
        }
        Path[] deviceCa = identityPair("MDM_DEVICE_CA_CERT", pick(f.deviceCaCert, env, "MDM_DEVICE_CA_CERT", null),
                "MDM_DEVICE_CA_KEY", pick(f.deviceCaKey, env, "MDM_DEVICE_CA_KEY", null));
        Path[] signing = identityPair("MDM_SIGNING_CERT", pick(f.signingCert, env, "MDM_SIGNING_CERT", null),
                "MDM_SIGNING_KEY", pick(f.signingKey, env, "MDM_SIGNING_KEY", null));
        Settings.Enroll enroll = new Settings.Enroll(deviceCa == null ? null : deviceCa[0], deviceCa == null ? null : deviceCa[1],
                signing == null ? null : signing[0], signing == null ? null : signing[1],
                parsePublicUrl(pick(f.publicUrl, env, "MDM_PUBLIC_URL", null)),
                parseBool("MDM_ENROLL_REQUIRE_TOKEN", pick(f.enrollRequireToken, env, "MDM_ENROLL_REQUIRE_TOKEN", "false")));
        Settings.Profiles profiles = new Settings.Profiles(
                parseDuration("MDM_PROFILE_SWEEP", pick(f.profileSweep, env, "MDM_PROFILE_SWEEP", "10m")),
                parseDuration("MDM_PROFILE_LIST_EVERY", pick(f.profileListEvery, env, "MDM_PROFILE_LIST_EVERY", "1d")));
        return new Settings(listen, storage, dsn, dataDir, apiKey, ca, certHeader, maxBody, migration, logLevel, apns, secretKey,
                tls, enroll, profiles, parseInventoryInterval(pick(f.inventoryInterval, env, "MDM_INVENTORY_INTERVAL", "24h")),
                parseBool("MDM_INVENTORY", pick(f.inventory, env, "MDM_INVENTORY", "true")), apiKeys,
                parseWipeRebind(pick(f.wipeRebind, env, "MDM_WIPE_REBIND", "30d")), f.capacity.build(env), parseScep(f, env));
    }

    /** SCEP (issue #15): validity 1h to 10 years; a static challenge of at least 16 characters, since it never expires. */
    static Settings.Scep parseScep(Flags f, Map<String, String> env) {
        String identity = pick(f.enrollIdentity, env, "MDM_ENROLL_IDENTITY", "scep").strip().toLowerCase(Locale.ROOT);
        if (!Set.of("scep", "pkcs12").contains(identity)) {
            throw new SettingsException("MDM_ENROLL_IDENTITY: '" + identity + "' is not an identity kind; use scep or pkcs12");
        }
        String validityValue = pick(f.scepValidity, env, "MDM_SCEP_VALIDITY", "365d");
        java.time.Duration validity = parseDuration("MDM_SCEP_VALIDITY", validityValue);
        if (validity.compareTo(java.time.Duration.ofHours(1)) < 0 || validity.compareTo(java.time.Duration.ofDays(3650)) > 0) {
            throw new SettingsException("MDM_SCEP_VALIDITY: '" + validityValue + "' is outside 1h to 3650d; use e.g. 365d");
        }
        String challenge = pick(f.scepChallenge, env, "MDM_SCEP_CHALLENGE", null);
        if (challenge != null && challenge.length() < 16) {
            throw new SettingsException("MDM_SCEP_CHALLENGE: too short; use at least 16 random characters, e.g. openssl rand -base64 24");
        }
        java.time.Duration renewBefore = parseDuration("MDM_RENEW_BEFORE", pick(f.renewBefore, env, "MDM_RENEW_BEFORE", "30d"));
        if (renewBefore.compareTo(validity) >= 0) {
            throw new SettingsException("MDM_RENEW_BEFORE: not shorter than MDM_SCEP_VALIDITY (" + validityValue
                    + "); every certificate would be renewed at once");
        }
        return new Settings.Scep(Settings.Scep.Identity.valueOf(identity.toUpperCase(Locale.ROOT)), validity, challenge, renewBefore);
    }

    /** Up to a year, or 0 (off): a wiped device that has not come back within a year is an admin's call. */
    static java.time.Duration parseWipeRebind(String value) {
        java.time.Duration d = parseDuration("MDM_WIPE_REBIND", value);
        if (d.compareTo(java.time.Duration.ofDays(365)) > 0) {
            throw new SettingsException("MDM_WIPE_REBIND: '" + value + "' is longer than 365d; use e.g. 30d, 7d, or 0 to turn it off");
        }
        return d;
    }

    /** Between 1h and 90d, or 0 (off): more often would flood devices, less often leaves facts stale. */
    static java.time.Duration parseInventoryInterval(String value) {
        java.time.Duration d = parseDuration("MDM_INVENTORY_INTERVAL", value);
        if (!d.isZero() && (d.compareTo(java.time.Duration.ofHours(1)) < 0 || d.compareTo(java.time.Duration.ofDays(90)) > 0)) {
            throw new SettingsException("MDM_INVENTORY_INTERVAL: '" + value + "' is outside 1h to 90d; use e.g. 24h, 12h, 7d, or 0 to turn periodic refresh off");
        }
        return d;
    }

    /** A certificate file and its key file: both or neither, readable, the key belonging to the certificate. */
    static Path[] identityPair(String certName, String certValue, String keyName, String keyValue) {
        if (certValue == null && keyValue == null) {
            return null;
        }
        if (certValue == null || keyValue == null) {
            String missing = certValue == null ? certName : keyName;
            String given = certValue == null ? keyName : certName;
            throw new SettingsException(missing + ": required with " + given + " (set both or neither)");
        }
        Path cert = readableFile(certName, certValue);
        Path key = readableFile(keyName, keyValue);
        try {
            dev.jmdm.server.tls.PemIdentity.load(cert, key);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(certName + "/" + keyName + ": " + e.getMessage());
        }
        return new Path[] {cert, key};
    }

    /** An absolute http(s) URL without query or fragment; a trailing slash is dropped. */
    static java.net.URI parsePublicUrl(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        while (v.endsWith("/")) {
            v = v.substring(0, v.length() - 1);
        }
        try {
            java.net.URI u = new java.net.URI(v);
            if (("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null
                    && u.getRawQuery() == null && u.getRawFragment() == null) {
                return u;
            }
        } catch (java.net.URISyntaxException ignored) {
            // reported below
        }
        throw new SettingsException("MDM_PUBLIC_URL: '" + value + "' is not a base URL like https://mdm.example.org or https://mdm.example.org:8443/prefix");
    }

    /** Above zero (a caller always gives APNs a chance) and at most a minute (a worker is held meanwhile). */
    static java.time.Duration parseApnsTimeout(String value) {
        java.time.Duration d = parseDuration("MDM_APNS_TIMEOUT", value);
        if (d.isZero() || d.compareTo(Settings.Apns.MAX_TIMEOUT) > 0) {
            throw new SettingsException("MDM_APNS_TIMEOUT: '" + value + "' is outside (0, 60s]; use e.g. 5s, 2s or 30s");
        }
        return d;
    }

    static Settings.Apns parseApns(String url, Path ca, java.time.Duration warn, java.time.Duration repush,
            java.time.Duration timeout) {
        String v = url.trim();
        if (v.equalsIgnoreCase("production")) {
            return new Settings.Apns(Settings.Apns.PRODUCTION, 443, ca, warn, repush, timeout);
        }
        if (v.equalsIgnoreCase("sandbox")) {
            return new Settings.Apns(Settings.Apns.SANDBOX, 443, ca, warn, repush, timeout);
        }
        try {
            java.net.URI u = java.net.URI.create(v);
            if ("https".equals(u.getScheme()) && u.getHost() != null) {
                return new Settings.Apns(u.getHost(), u.getPort() < 0 ? 443 : u.getPort(), ca, warn, repush, timeout);
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw new SettingsException("MDM_APNS_URL: '" + url + "' is not production, sandbox or https://HOST:PORT");
    }

    /**
     * A readable PEM file with at least one certificate in it. A file without one would start a server that
     * trusts nothing (every device refused, or every push failing) with no word of why, so it fails start.
     */
    static Path certificateFile(String name, String value, String wanted) {
        if (value == null) {
            return null;
        }
        Path p = Path.of(value);
        if (!Files.isReadable(p)) {
            throw new SettingsException(name + ": cannot read '" + value + "'; give " + wanted);
        }
        try {
            if (!dev.jmdm.server.tls.PemIdentity.certificates(p).isEmpty()) {
                return p;
            }
        } catch (IllegalArgumentException e) {
            throw new SettingsException(name + ": " + e.getMessage() + "; give " + wanted);
        }
        throw new SettingsException(name + ": '" + value + "' " + withoutCertificates(p) + "; give " + wanted);
    }

    /** What a PEM file without certificates holds instead, so the operator sees which file they mixed up. */
    private static String withoutCertificates(Path file) {
        try {
            if (Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1).isBlank()) {
                return "is empty";
            }
        } catch (java.io.IOException e) {
            return "cannot be read: " + e.getMessage();
        }
        try {
            dev.jmdm.server.tls.PemIdentity.privateKey(file);
            return "holds a private key but no certificate";
        } catch (IllegalArgumentException noKey) {
            return "holds no PEM certificate (no -----BEGIN CERTIFICATE----- block; a DER file converts with "
                    + "openssl x509 -inform der -in FILE -out FILE.pem)";
        }
    }

    private static Path readableFile(String name, String value) {
        if (value == null) {
            return null;
        }
        Path p = Path.of(value);
        if (!Files.isReadable(p)) {
            throw new SettingsException(name + ": cannot read '" + value + "'");
        }
        return p;
    }

    /** An HTTP header name: a token of RFC 9110 (letters, digits and !#$%&'*+-.^_`|~), as proxies can send it. */
    static String parseHeaderName(String name, String value) {
        if (value != null && !value.trim().matches("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+")) {
            throw new SettingsException(name + ": '" + value + "' is not an HTTP header name; use letters, digits and - "
                    + "(e.g. X-Client-Cert)");
        }
        return value == null ? null : value.trim();
    }

    /** "30d", "15m", "2h", "45s", "0" (off), or an ISO-8601 duration (PT15M). */
    static java.time.Duration parseDuration(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.equals("0")) {
                return java.time.Duration.ZERO;
            }
            if (v.startsWith("p")) {
                return java.time.Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            java.time.Duration d = switch (v.charAt(v.length() - 1)) {
                case 'd' -> java.time.Duration.ofDays(n);
                case 'h' -> java.time.Duration.ofHours(n);
                case 'm' -> java.time.Duration.ofMinutes(n);
                case 's' -> java.time.Duration.ofSeconds(n);
                default -> null;
            };
            if (d != null && !d.isNegative()) {
                return d;
            }
        } catch (RuntimeException ignored) {
            // reported below
        }
        throw new SettingsException(name + ": '" + value + "' is not a duration; use e.g. 30d, 2h, 15m, 45s or 0");
    }

    static String pick(String flag, Map<String, String> env, String name, String fallback) {
        if (flag != null) {
            return flag;
        }
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    static InetSocketAddress parseListen(String value) {
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new SettingsException("MDM_LISTEN: '" + value + "' has no port; use :9000, 127.0.0.1:9000 or [::1]:9000");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new SettingsException("MDM_LISTEN: '" + value + "' has no valid port (0-65535)");
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    static long parseSize(String value) {
        if (value == null) {
            return Settings.DEFAULT_MAX_BODY;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        for (var suffix : new String[][] {{"kib", "1024"}, {"mib", "1048576"}, {"kb", "1000"}, {"mb", "1000000"}, {"k", "1024"}, {"m", "1048576"}, {"b", "1"}}) {
            if (v.endsWith(suffix[0])) {
                unit = Long.parseLong(suffix[1]);
                v = v.substring(0, v.length() - suffix[0].length()).trim();
                break;
            }
        }
        try {
            long n = Long.parseLong(v) * unit;
            if (n >= 1024 && n <= 1024L * 1024 * 1024) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new SettingsException("MDM_MAX_BODY: '" + value + "' is not a size between 1KiB and 1GiB (e.g. 8MiB, 512KiB, 1000000)");
    }

    /** Shortest named key accepted: long enough that guessing over HTTP is hopeless. */
    static final int MIN_NAMED_KEY = 16;

    /**
     * The API credentials: {@code nanomdm} with MDM_API_KEY (as nanomdm's tools send it) and each
     * {@code name:key} of MDM_API_KEYS, so every admin or tool can have a key of its own and the audit
     * log can tell them apart.
     */
    static java.util.Map<String, String> parseApiKeys(String apiKey, String named) {
        java.util.Map<String, String> keys = new java.util.LinkedHashMap<>();
        if (apiKey != null) {
            keys.put(BASIC_USER, apiKey);
        }
        if (named == null || named.isBlank()) {
            return keys;
        }
        java.util.Set<String> secrets = new java.util.HashSet<>(keys.values());
        for (String entry : named.split(",")) {
            String e = entry.trim();
            int colon = e.indexOf(':');
            if (colon <= 0) {
                throw new SettingsException("MDM_API_KEYS: '" + e.replaceAll(":.*", ":***") + "' is not NAME:KEY; give comma-separated NAME:KEY pairs");
            }
            String name = e.substring(0, colon);
            String key = e.substring(colon + 1);
            if (!name.matches("[A-Za-z0-9._@-]{1,64}")) {
                throw new SettingsException("MDM_API_KEYS: name '" + name + "' may hold only letters, digits and . _ @ - (at most 64)");
            }
            if (keys.containsKey(name)) {
                throw new SettingsException("MDM_API_KEYS: the name '" + name + "' is given twice"
                        + (name.equals(BASIC_USER) && apiKey != null ? " (nanomdm is MDM_API_KEY's user)" : ""));
            }
            if (key.length() < MIN_NAMED_KEY) {
                throw new SettingsException("MDM_API_KEYS: the key of '" + name + "' is shorter than " + MIN_NAMED_KEY
                        + " characters (e.g. openssl rand -hex 24)");
            }
            if (!secrets.add(key)) {
                throw new SettingsException("MDM_API_KEYS: the key of '" + name + "' is also another name's key; give each its own");
            }
            keys.put(name, key);
        }
        return keys;
    }

    /** The Basic auth user of MDM_API_KEY, as in nanomdm. */
    public static final String BASIC_USER = "nanomdm";

    static boolean parseBool(String name, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new SettingsException(name + ": '" + value + "' is not a boolean; use true or false");
        };
    }

    /** jdbc:mysql://HOST[:PORT][,HOST…]/DATABASE[?…]: something between the host part's slash and the query. */
    static boolean namesDatabase(String dsn) {
        int hosts = dsn.indexOf("//");
        int query = dsn.indexOf('?');
        String rest = dsn.substring(hosts < 0 ? 0 : hosts + 2, query < 0 ? dsn.length() : query);
        int slash = rest.indexOf('/');
        return slash >= 0 && slash < rest.length() - 1;
    }

    private static String redact(String dsn) {
        return dsn.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mdm-server " + Version.current()};
        }
    }
}
