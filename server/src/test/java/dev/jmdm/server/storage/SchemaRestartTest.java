package dev.jmdm.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jmdm.migrations.SchemaMigrator;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.server.testing.TestDatabases.Engine;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.FlywayException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A restart on a current schema skips Flyway after one query of its history; anything that query cannot vouch for
 * (a failed, changed or unknown migration) still reaches Flyway, which refuses or handles it as it always did.
 */
class SchemaRestartTest {
    @ParameterizedTest
    @EnumSource(Engine.class)
    void aCurrentSchemaIsRecognisedWithoutFlyway(Engine engine) throws Exception {
        String url = TestDatabases.freshUrl(engine);
        try {
            assertThat(SchemaMigrator.currentVersion(dataSource(url))).as("a new database").isNull();
            String newest;
            try (Database db = Database.open(url, 2)) {
                newest = db.schemaVersion(); // Flyway's answer
            }

            assertThat(SchemaMigrator.currentVersion(dataSource(url))).isEqualTo(newest);
            try (Database db = Database.open(url, 2)) {
                assertThat(db.schemaVersion()).isEqualTo(newest);
            }
        } finally {
            TestDatabases.drop(url);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aFailedMigrationIsStillRefused(Engine engine) throws Exception {
        refusedAfter(engine, "UPDATE flyway_schema_history SET success = FALSE WHERE version = '1'", "failed");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aChangedMigrationIsStillRefused(Engine engine) throws Exception {
        refusedAfter(engine, "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '5'", "checksum");
    }

    /** The schema history damaged by the statement: the quick check does not vouch for it, and Flyway refuses it. */
    private static void refusedAfter(Engine engine, String damage, String flywaySays) throws SQLException {
        String url = migrated(engine);
        try {
            sql(url, damage);

            assertThat(SchemaMigrator.currentVersion(dataSource(url))).isNull();
            assertThatThrownBy(() -> Database.open(url, 2).close())
                    .isInstanceOf(FlywayException.class).hasMessageContaining(flywaySays);
        } finally {
            TestDatabases.drop(url);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aMigrationFromANewerServerIsLeftToFlyway(Engine engine) throws Exception {
        String url = migrated(engine);
        try {
            sql(url, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                    + " installed_by, execution_time, success) VALUES (999, '999', 'newer', 'SQL', 'V999__newer.sql', 1,"
                    + " 'test', 1, TRUE)");

            assertThat(SchemaMigrator.currentVersion(dataSource(url))).as("not vouched for by the quick check").isNull();
        } finally {
            TestDatabases.drop(url);
        }
    }

    private static String migrated(Engine engine) {
        String url = TestDatabases.freshUrl(engine);
        Database.open(url, 2).close();
        return url;
    }

    private static void sql(String url, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static javax.sql.DataSource dataSource(String url) {
        if (url.startsWith("jdbc:h2:")) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL(url);
            return h2;
        }
        com.mysql.cj.jdbc.MysqlDataSource mysql = new com.mysql.cj.jdbc.MysqlDataSource();
        mysql.setURL(url);
        return mysql;
    }
}
