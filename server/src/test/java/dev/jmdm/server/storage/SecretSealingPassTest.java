package dev.jmdm.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListParser;
import dev.jmdm.migrations.SchemaMigrator;
import dev.jmdm.server.secrets.SealedColumn;
import dev.jmdm.server.secrets.SecretBox;
import dev.jmdm.server.secrets.StoredSecrets;
import dev.jmdm.server.secrets.UnreadableSecretException;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.server.testing.TestDatabases.Engine;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bootstrap tokens, UnlockTokens and lock/wipe PINs at rest: a database written by the version before
 * sealing ends sealed and readable; a sealed value opens only in its own row and only with its key.
 */
class SecretSealingPassTest {
    /** The UnlockToken of a real iPad's TokenUpdate (nanomdm's testdata). */
    static final byte[] UNLOCK_TOKEN = realUnlockToken();
    static final byte[] BOOTSTRAP_TOKEN = "bootstrap-token-of-the-old-mac".getBytes(StandardCharsets.UTF_8);
    static final String PIN = "482913";
    static final byte[] LOCK_COMMAND = CommandStoreTest.commandXml("DeviceLock", "LOCK-1", "<key>PIN</key><string>" + PIN + "</string>");
    static final byte[] INFO_COMMAND = CommandStoreTest.commandXml("DeviceInformation", "INFO-1", "");
    static final StoredSecrets SECRETS = new StoredSecrets(SecretBox.fromSecret("sealing-pass-test-key"));

    @ParameterizedTest
    @EnumSource(Engine.class)
    void plaintextWrittenByTheVersionBeforeIsSealedAtStartAndStillReads(Engine engine) {
        String url = TestDatabases.freshUrl(engine);
        try {
            // The schema as the version before sealing left it, with rows written the way it wrote them.
            Flyway.configure().dataSource(url, null, null).locations(SchemaMigrator.LOCATION).target("8").load().migrate();
            try (Database old = Database.open(url, 2)) {
                old.jdbi().useHandle(h -> {
                    h.createUpdate("INSERT INTO devices (id, bootstrap_token, unlock_token, created_at, updated_at) VALUES ('OLD-MAC', :b, NULL, 1, 1)")
                            .bind("b", BOOTSTRAP_TOKEN).execute();
                    h.createUpdate("INSERT INTO devices (id, bootstrap_token, unlock_token, created_at, updated_at) VALUES ('OLD-IPAD', NULL, :u, 1, 1)")
                            .bind("u", UNLOCK_TOKEN).execute();
                    h.createUpdate("INSERT INTO host_pins (command_uuid, host_id, request_type, pin, actor, created_at) VALUES ('LOCK-1', 7, 'DeviceLock', :p, 'nanomdm', 1)")
                            .bind("p", PIN).execute();
                    // The queue kept the DeviceLock with its PIN as enqueued, and a command with no secret.
                    h.createUpdate("INSERT INTO commands (command_uuid, request_type, command, created_at) VALUES ('LOCK-1', 'DeviceLock', :c, 1)")
                            .bind("c", LOCK_COMMAND).execute();
                    h.createUpdate("INSERT INTO commands (command_uuid, request_type, command, created_at) VALUES ('INFO-1', 'DeviceInformation', :c, 1)")
                            .bind("c", INFO_COMMAND).execute();
                });
            }
            try (Database db = Database.open(url, 2)) {
                // Before the pass gets to them (it runs beside the server), plaintext values read as they are.
                assertThat(new EnrollmentStore(db.jdbi(), Clock.systemUTC(), SECRETS).bootstrapToken("OLD-MAC")).contains(BOOTSTRAP_TOKEN);
                assertThat(new SecretSealingPass(db.jdbi(), SECRETS).run())
                        .containsExactlyInAnyOrderEntriesOf(Map.of(SealedColumn.BOOTSTRAP_TOKEN, 1, SealedColumn.UNLOCK_TOKEN, 1, SealedColumn.PIN, 1,
                                SealedColumn.DEP_SERVER_KEY, 0, SealedColumn.DEP_TOKEN, 0, SealedColumn.COMMAND, 1));
                byte[] bootstrap = raw(db, "SELECT bootstrap_token FROM devices WHERE id = 'OLD-MAC'");
                byte[] unlock = raw(db, "SELECT unlock_token FROM devices WHERE id = 'OLD-IPAD'");
                String pin = db.jdbi().withHandle(h -> h.createQuery("SELECT pin FROM host_pins WHERE command_uuid = 'LOCK-1'").mapTo(String.class).one());
                assertThat(new String(bootstrap, StandardCharsets.US_ASCII)).startsWith("sealed:v2:").doesNotContain("bootstrap-token");
                assertThat(new String(unlock, StandardCharsets.US_ASCII)).startsWith("sealed:v2:");
                assertThat(indexOf(unlock, UNLOCK_TOKEN)).isEqualTo(-1);
                assertThat(pin).startsWith("sealed:v2:").doesNotContain(PIN);

                EnrollmentStore store = new EnrollmentStore(db.jdbi(), Clock.systemUTC(), SECRETS);
                assertThat(store.bootstrapToken("OLD-MAC")).contains(BOOTSTRAP_TOKEN);
                assertThat(SECRETS.openBytes(SealedColumn.UNLOCK_TOKEN, "OLD-IPAD", unlock)).isEqualTo(UNLOCK_TOKEN);
                assertThat(SECRETS.openText(SealedColumn.PIN, "LOCK-1", pin)).isEqualTo(PIN);
                byte[] lock = raw(db, "SELECT command FROM commands WHERE command_uuid = 'LOCK-1'");
                assertThat(new String(lock, StandardCharsets.US_ASCII)).startsWith("sealed:v2:").doesNotContain(PIN);
                assertThat(raw(db, "SELECT command FROM commands WHERE command_uuid = 'INFO-1'")).isEqualTo(INFO_COMMAND);
                CommandStore commands = new CommandStore(db.jdbi(), Clock.systemUTC(), SECRETS);
                assertThat(commands.command("LOCK-1").orElseThrow().command()).isEqualTo(LOCK_COMMAND);
                assertThat(commands.command("INFO-1").orElseThrow().command()).isEqualTo(INFO_COMMAND);

                // Every start runs the pass: what is sealed stays as it is.
                assertThat(new SecretSealingPass(db.jdbi(), SECRETS).run()).containsOnly(
                        Map.entry(SealedColumn.BOOTSTRAP_TOKEN, 0), Map.entry(SealedColumn.UNLOCK_TOKEN, 0), Map.entry(SealedColumn.PIN, 0),
                        Map.entry(SealedColumn.DEP_SERVER_KEY, 0), Map.entry(SealedColumn.DEP_TOKEN, 0), Map.entry(SealedColumn.COMMAND, 0));
                assertThat(raw(db, "SELECT bootstrap_token FROM devices WHERE id = 'OLD-MAC'")).isEqualTo(bootstrap);
                assertThat(raw(db, "SELECT command FROM commands WHERE command_uuid = 'LOCK-1'")).isEqualTo(lock);
                assertThat(SECRETS.warnings()).isEmpty();
            }
        } finally {
            TestDatabases.drop(url);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aSealedValueCopiedToAnotherDevicesRowDoesNotOpen(Engine engine) {
        StoredSecrets secrets = new StoredSecrets(SecretBox.fromSecret("sealing-pass-test-key"));
        String url = TestDatabases.freshUrl(engine);
        try (Database db = Database.open(url, 2)) {
            EnrollmentStore store = new EnrollmentStore(db.jdbi(), Clock.systemUTC(), secrets);
            db.jdbi().useHandle(h -> h.execute("INSERT INTO devices (id, created_at, updated_at) VALUES ('VICTIM', 1, 1), ('THIEF', 1, 1)"));
            store.storeBootstrapToken("VICTIM", BOOTSTRAP_TOKEN);
            db.jdbi().useHandle(h -> h.createUpdate("UPDATE devices SET bootstrap_token = :t WHERE id = 'THIEF'")
                    .bind("t", raw(db, "SELECT bootstrap_token FROM devices WHERE id = 'VICTIM'")).execute());

            assertThatThrownBy(() -> store.bootstrapToken("THIEF")).isInstanceOf(UnreadableSecretException.class)
                    .hasMessageContaining("bootstrap token").hasMessageContaining("another row");
            assertThat(store.bootstrapToken("VICTIM")).contains(BOOTSTRAP_TOKEN);
            // The same sealed bytes do not open as another column of the same row either.
            byte[] sealed = raw(db, "SELECT bootstrap_token FROM devices WHERE id = 'VICTIM'");
            assertThatThrownBy(() -> secrets.openBytes(SealedColumn.UNLOCK_TOKEN, "VICTIM", sealed)).isInstanceOf(UnreadableSecretException.class);
        } finally {
            TestDatabases.drop(url);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aServerWithAnotherKeyStartsAndSaysWhatItCannotOpen(Engine engine) {
        String url = TestDatabases.freshUrl(engine);
        try (Database db = Database.open(url, 2)) {
            db.jdbi().useHandle(h -> h.execute("INSERT INTO devices (id, created_at, updated_at) VALUES ('MAC', 1, 1)"));
            new EnrollmentStore(db.jdbi(), Clock.systemUTC(), SECRETS).storeBootstrapToken("MAC", BOOTSTRAP_TOKEN);

            StoredSecrets otherKey = new StoredSecrets(SecretBox.fromSecret("a-different-secret-key"));
            assertThat(otherKey.warnings()).isEmpty();
            new SecretSealingPass(db.jdbi(), otherKey).run();
            assertThat(otherKey.warnings()).singleElement().asString().contains("bootstrap token", "MDM_SECRET_KEY");
            assertThatThrownBy(() -> new EnrollmentStore(db.jdbi(), Clock.systemUTC(), otherKey).bootstrapToken("MAC"))
                    .isInstanceOf(UnreadableSecretException.class).hasMessageContaining("MDM_SECRET_KEY");
        } finally {
            TestDatabases.drop(url);
        }
    }

    private static byte[] realUnlockToken() {
        try (InputStream in = SecretSealingPassTest.class.getResourceAsStream("/nanomdm/TokenUpdate.1.plist")) {
            return ((NSData) ((NSDictionary) PropertyListParser.parse(in)).get("UnlockToken")).bytes();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] raw(Database db, String query) {
        return db.jdbi().withHandle(h -> h.createQuery(query).mapTo(byte[].class).one());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
