package dev.jmdm.server.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the data lives and the key that seals its secrets.
 *
 * @param engine    which database engine holds the data (MDM_STORAGE)
 * @param dsn       JDBC URL for MySQL/MariaDB (MDM_DSN), required with {@link Engine#MYSQL} and refused without it
 * @param dataDir   folder for the embedded database and other local files (MDM_DATA_DIR)
 * @param secretKey key material that seals push certificate keys and device secrets at rest (MDM_SECRET_KEY); null: a
 *                  key file in dataDir
 */
public record StorageSettings(Engine engine, String dsn, Path dataDir, String secretKey) {
    public static final Path DEFAULT_DATA_DIR = Path.of("./data");
    /** Shortest MDM_SECRET_KEY accepted. */
    public static final int MIN_SECRET_KEY = 16;

    /** Storage engines. */
    public enum Engine {
        EMBEDDED, MYSQL
    }

    public StorageSettings {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(dataDir, "dataDir");
        if (engine == Engine.MYSQL) {
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
        if (secretKey != null && secretKey.length() < MIN_SECRET_KEY) {
            throw new SettingsException("MDM_SECRET_KEY: too short; use at least 16 random characters, e.g. openssl rand -base64 32");
        }
    }

    /** The JDBC URL actually used: the DSN for MySQL, an H2 file in MySQL mode under dataDir otherwise. */
    public String jdbcUrl() {
        if (engine == Engine.MYSQL) {
            return dsn;
        }
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("mdm") + ";" + Settings.EMBEDDED_URL_OPTIONS;
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

    /** The embedded store in ./data, its secrets sealed with a key file made there. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Engine engine = Engine.EMBEDDED;
        private String dsn;
        private Path dataDir = DEFAULT_DATA_DIR;
        private String secretKey;

        private Builder() {
        }

        public Builder engine(Engine engine) {
            this.engine = engine;
            return this;
        }

        /** MySQL/MariaDB at this JDBC URL. */
        public Builder mysql(String dsn) {
            this.engine = Engine.MYSQL;
            this.dsn = dsn;
            return this;
        }

        public Builder dsn(String dsn) {
            this.dsn = dsn;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder secretKey(String secretKey) {
            this.secretKey = secretKey;
            return this;
        }

        public StorageSettings build() {
            return new StorageSettings(engine, dsn, dataDir, secretKey);
        }
    }
}
