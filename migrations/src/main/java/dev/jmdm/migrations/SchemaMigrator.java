package dev.jmdm.migrations;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a database to the newest schema. Flyway records applied versions in
 * {@code flyway_schema_history} and takes a database lock while migrating, so several server
 * instances starting at once against one MySQL apply each version exactly once.
 */
public final class SchemaMigrator {
    /** Where the versioned SQL files live on the classpath. */
    public static final String LOCATION = "classpath:db/migration";

    private SchemaMigrator() {
    }

    /** Applies every pending migration; returns the schema version now in force. */
    public static String migrate(DataSource dataSource) {
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations(LOCATION)
                .failOnMissingLocations(true)
                .load();
        MigrateResult result = flyway.migrate();
        return result.targetSchemaVersion != null ? result.targetSchemaVersion
                : flyway.info().current() == null ? "none" : flyway.info().current().getVersion().getVersion();
    }
}
