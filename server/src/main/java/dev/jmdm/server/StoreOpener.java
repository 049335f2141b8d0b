package dev.jmdm.server;

import dev.jmdm.server.config.Capacity;
import dev.jmdm.server.config.SettingsException;
import dev.jmdm.server.config.StorageSettings;
import dev.jmdm.server.metrics.Metrics;
import dev.jmdm.server.secrets.SecretBox;
import dev.jmdm.server.storage.Database;
import dev.jmdm.server.storage.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens what {@link StorageSettings} names, or says in one line which setting points at something that does not open. */
final class StoreOpener {
    private static final Logger LOG = LoggerFactory.getLogger(StoreOpener.class);

    private StoreOpener() {
    }

    /**
     * The store, or a {@link SettingsException} naming the setting that points at it and why it cannot be opened, in
     * one line; the driver's stack trace only at debug.
     */
    static Database open(StorageSettings settings, Capacity capacity, Metrics metrics) {
        boolean mysql = settings.engine() == StorageSettings.Engine.MYSQL;
        String where = mysql ? "MDM_DSN: cannot open the database " + settings.dsn().replaceFirst("\\?.*", "")
                : "MDM_DATA_DIR: cannot open the embedded database in " + settings.dataDir().toAbsolutePath();
        if (!mysql) {
            DataDir.requireWritable(settings.dataDir());
        }
        try {
            return Database.open(settings.jdbcUrl(), capacity.dbPool(), metrics.databasePool());
        } catch (StoreUnavailableException e) {
            LOG.debug("{}", where, e);
            throw new SettingsException(where + ": " + e.reason());
        }
    }

    /** MDM_SECRET_KEY, or a key file made in the data folder (which servers sharing a database do not share). */
    static SecretBox secretBox(StorageSettings settings) {
        if (settings.secretKey() != null) {
            return SecretBox.fromSecret(settings.secretKey());
        }
        if (settings.engine() == StorageSettings.Engine.MYSQL) {
            LOG.warn("MDM_SECRET_KEY is not set: push certificate keys, bootstrap tokens, UnlockTokens and PINs are sealed with a key file in {}; "
                    + "servers sharing this database need the same MDM_SECRET_KEY", settings.dataDir().toAbsolutePath());
        }
        return SecretBox.fromKeyFile(settings.dataDir());
    }
}
