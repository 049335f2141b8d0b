package dev.jmdm.server.testing;

import dev.jmdm.server.secrets.SecretBox;
import dev.jmdm.server.secrets.StoredSecrets;
import dev.jmdm.server.storage.AuthenticateStore;
import dev.jmdm.server.storage.CertBindingStore;
import dev.jmdm.server.storage.CommandStore;
import dev.jmdm.server.storage.Database;
import dev.jmdm.server.storage.EnrollmentStore;
import dev.jmdm.server.storage.HostStore;
import java.time.Clock;

/** A migrated fresh database on one engine with every store over it. Close to drop it. */
public final class StoreFixture implements AutoCloseable {
    public final String url;
    public final Database database;
    public final EnrollmentStore enrollments;
    public final CommandStore commands;
    public final CertBindingStore bindings;
    public final HostStore hosts;
    /** Authenticate's transaction over the stores above. */
    public final AuthenticateStore authentications;
    /** Seals the stores' secrets with a fixed test key. */
    public final StoredSecrets secrets = new StoredSecrets(SecretBox.fromSecret("store-fixture-secret-key"));

    public StoreFixture(TestDatabases.Engine engine, Clock clock) {
        this.url = TestDatabases.freshUrl(engine);
        this.database = Database.open(url, 8);
        this.enrollments = new EnrollmentStore(database.jdbi(), clock, secrets);
        this.commands = new CommandStore(database.jdbi(), clock, secrets);
        this.bindings = new CertBindingStore(database.jdbi(), clock);
        this.hosts = new HostStore(database.jdbi(), clock);
        this.authentications = new AuthenticateStore(database.jdbi(), enrollments, bindings, hosts, commands);
    }

    @Override
    public void close() {
        database.close();
        TestDatabases.drop(url);
    }
}
