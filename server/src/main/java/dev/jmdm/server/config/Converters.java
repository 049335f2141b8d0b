package dev.jmdm.server.config;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters from a flag's or variable's text to its typed value, range included. A refusal's message is
 * what follows the value in {@code MDM_X: 'value' …}; {@link SettingsParser} adds the variable's name and the text.
 */
final class Converters {
    private Converters() {
    }

    /** "30d", "15m", "2h", "45s", "0" (off), or an ISO-8601 duration (PT15M); never negative. */
    static Duration duration(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (v.equals("0")) {
                d = Duration.ZERO;
            } else if (v.startsWith("p")) {
                d = Duration.parse(v.toUpperCase(Locale.ROOT));
            } else {
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                d = switch (v.charAt(v.length() - 1)) {
                    case 'd' -> Duration.ofDays(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 's' -> Duration.ofSeconds(n);
                    default -> null;
                };
            }
            if (d != null && !d.isNegative()) {
                return d;
            }
        } catch (RuntimeException ignored) {
            // refused below
        }
        throw new TypeConversionException("is not a duration; use e.g. 30d, 2h, 15m, 45s or 0");
    }

    /** Any duration, zero included (off). */
    static final class AnyDuration implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            return duration(text);
        }
    }

    /** MDM_RESULT_RETENTION and MDM_COMMAND_TTL: zero (off) or 1d to 3650d. */
    static final class QueueAge implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Duration d = duration(text);
            if (!d.isZero() && (d.compareTo(QueueSettings.MIN) < 0 || d.compareTo(QueueSettings.MAX) > 0)) {
                throw new TypeConversionException("is outside 1d to 3650d; use e.g. 30d, 90d, or 0 to turn it off");
            }
            return d;
        }
    }

    /** MDM_PUSH_RATE: pushes per second, 0 (unpaced) or 1 to 1,000,000. */
    static final class PushRate implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            return count(text, 0, ApnsSettings.MAX_PUSH_RATE);
        }
    }

    /** The HTTP timeouts: at least a second and at most an hour; zero would turn the bound off. */
    static final class Timeout implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Duration d = duration(text);
            if (d.compareTo(Capacity.MIN_TIMEOUT) < 0 || d.compareTo(Capacity.MAX_TIMEOUT) > 0) {
                throw new TypeConversionException("is outside 1s to 1h; use e.g. 30s or 2m");
            }
            return d;
        }
    }

    /** Above zero (a caller always gives APNs a chance) and at most a minute (a worker is held meanwhile). */
    static final class ApnsTimeout implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Duration d = duration(text);
            if (d.isZero() || d.compareTo(ApnsSettings.MAX_TIMEOUT) > 0) {
                throw new TypeConversionException("is outside (0, 60s]; use e.g. 5s, 2s or 30s");
            }
            return d;
        }
    }

    static final class InventoryInterval implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Duration d = duration(text);
            if (!d.isZero() && (d.compareTo(HostsSettings.MIN_INVENTORY_INTERVAL) < 0
                    || d.compareTo(HostsSettings.MAX_INVENTORY_INTERVAL) > 0)) {
                throw new TypeConversionException("is outside 1h to 90d; use e.g. 24h, 12h, 7d, or 0 to turn periodic refresh off");
            }
            return d;
        }
    }

    static final class WipeRebind implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Duration d = duration(text);
            if (d.compareTo(HostsSettings.MAX_WIPE_REBIND) > 0) {
                throw new TypeConversionException("is longer than 365d; use e.g. 30d, 7d, or 0 to turn it off");
            }
            return d;
        }
    }

    /** A body size: bytes, or with KiB/MiB (also k/m) or kB/MB; between 1KiB and 1GiB. */
    static final class BodySize implements ITypeConverter<Long> {
        private static final String[][] UNITS = {{"kib", "1024"}, {"mib", "1048576"}, {"kb", "1000"}, {"mb", "1000000"},
            {"k", "1024"}, {"m", "1048576"}, {"b", "1"}};

        @Override
        public Long convert(String text) {
            String v = text.trim().toLowerCase(Locale.ROOT);
            long unit = 1;
            for (String[] suffix : UNITS) {
                if (v.endsWith(suffix[0])) {
                    unit = Long.parseLong(suffix[1]);
                    v = v.substring(0, v.length() - suffix[0].length()).trim();
                    break;
                }
            }
            try {
                long n = Math.multiplyExact(Long.parseLong(v), unit);
                if (n >= HttpSettings.MIN_MAX_BODY && n <= HttpSettings.MAX_MAX_BODY) {
                    return n;
                }
            } catch (ArithmeticException | NumberFormatException ignored) {
                // refused below
            }
            throw new TypeConversionException("is not a size between 1KiB and 1GiB (e.g. 8MiB, 512KiB, 1000000)");
        }
    }

    private static int count(String text, int min, int max) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw new TypeConversionException("is not a whole number from " + min + " to " + max);
    }

    static final class PoolSize implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            return count(text, Capacity.MIN_DB_POOL, Capacity.MAX_DB_POOL);
        }
    }

    static final class Workers implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            return count(text, Capacity.MIN_WORKERS, Capacity.MAX_WORKERS);
        }
    }

    static final class Bool implements ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new TypeConversionException("is not a boolean; use true or false");
            };
        }
    }

    /** MDM_ENROLL_IDENTITY: scep or pkcs12, any case. */
    static final class EnrollIdentity implements ITypeConverter<ScepSettings.Identity> {
        @Override
        public ScepSettings.Identity convert(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "scep" -> ScepSettings.Identity.SCEP;
                case "pkcs12" -> ScepSettings.Identity.PKCS12;
                default -> throw new TypeConversionException("is not an identity kind; use scep or pkcs12");
            };
        }
    }

    /** {@code :9000}, {@code 127.0.0.1:9000}, {@code [::1]:9000}. */
    static final class Listen implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String text) {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new TypeConversionException("has no port; use :9000, 127.0.0.1:9000 or [::1]:9000");
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new TypeConversionException("has no valid port (0-65535)");
            }
            return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        }
    }

    static final class Engine implements ITypeConverter<StorageSettings.Engine> {
        @Override
        public StorageSettings.Engine convert(String text) {
            try {
                return StorageSettings.Engine.valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("is not a storage engine; use embedded or mysql");
            }
        }
    }

    static final class LogLevel implements ITypeConverter<String> {
        private static final Set<String> LEVELS = Set.of("error", "warn", "info", "debug", "trace");

        @Override
        public String convert(String text) {
            String level = text.trim().toLowerCase(Locale.ROOT);
            if (!LEVELS.contains(level)) {
                throw new TypeConversionException("is not a level; use error, warn, info, debug or trace");
            }
            return level;
        }
    }

    /** An HTTP header name: a token of RFC 9110 (letters, digits and !#$%&'*+-.^_`|~), as proxies can send it. */
    static final class HeaderName implements ITypeConverter<String> {
        @Override
        public String convert(String text) {
            if (!text.trim().matches("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+")) {
                throw new TypeConversionException("is not an HTTP header name; use letters, digits and - (e.g. X-Client-Cert)");
            }
            return text.trim();
        }
    }

    /** An absolute http(s) URL without query or fragment; a trailing slash is dropped. */
    static final class PublicUrl implements ITypeConverter<URI> {
        @Override
        public URI convert(String text) {
            String v = text.trim();
            while (v.endsWith("/")) {
                v = v.substring(0, v.length() - 1);
            }
            try {
                URI u = new URI(v);
                if (("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null
                        && u.getRawQuery() == null && u.getRawFragment() == null) {
                    return u;
                }
            } catch (URISyntaxException ignored) {
                // refused below
            }
            throw new TypeConversionException("is not a base URL like https://mdm.example.org or https://mdm.example.org:8443/prefix");
        }
    }

    /** production, sandbox, or https://HOST[:PORT] of a stand-in; an unresolved host and port. */
    static final class ApnsUrl implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String text) {
            String v = text.trim();
            if (v.equalsIgnoreCase("production")) {
                return InetSocketAddress.createUnresolved(ApnsSettings.PRODUCTION, ApnsSettings.DEFAULT_PORT);
            }
            if (v.equalsIgnoreCase("sandbox")) {
                return InetSocketAddress.createUnresolved(ApnsSettings.SANDBOX, ApnsSettings.DEFAULT_PORT);
            }
            try {
                URI u = URI.create(v);
                if ("https".equals(u.getScheme()) && u.getHost() != null) {
                    return InetSocketAddress.createUnresolved(u.getHost(), u.getPort() < 0 ? ApnsSettings.DEFAULT_PORT : u.getPort());
                }
            } catch (IllegalArgumentException ignored) {
                // refused below
            }
            throw new TypeConversionException("is not production, sandbox or https://HOST:PORT");
        }
    }
}
