package dev.jmdm.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jmdm.server.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * A MySQL/MariaDB connection that stops hearing from the database gives up after the socket timeout instead of
 * holding its request (and worker) until the operating system drops TCP; a DSN's own value wins.
 */
class DatabaseTimeoutTest {
    @Test
    void mysqlConnectionsGetConnectAndSocketTimeoutsUnlessTheDsnSetsThem() {
        String url = Database.withDefaults("jdbc:mysql://db:3306/mdm?user=mdm");
        assertThat(url).contains("connectTimeout=10000").contains("socketTimeout=" + Database.SOCKET_TIMEOUT.toMillis());
        assertThat(Database.withDefaults("jdbc:mysql://db:3306/mdm?user=mdm&socketTimeout=0&connectTimeout=3000"))
                .endsWith("socketTimeout=0&connectTimeout=3000&allowPublicKeyRetrieval=true");
        assertThat(Database.SOCKET_TIMEOUT).isGreaterThanOrEqualTo(java.time.Duration.ofMinutes(1));
        assertThat(Database.withDefaults("jdbc:h2:mem:x")).doesNotContain("socketTimeout");
    }

    @Test
    void aStatementTheDatabaseDoesNotAnswerFailsAtTheSocketTimeout() throws Exception {
        String url = TestDatabases.freshUrl(TestDatabases.Engine.MYSQL);
        try (Database db = Database.open(url, 2)) {
            // The pool's connections carry the default: five minutes, not forever.
            int timeout = db.jdbi().withHandle(h -> h.getConnection().getNetworkTimeout());
            assertThat(timeout).isEqualTo((int) Database.SOCKET_TIMEOUT.toMillis());
        }
        // A database that goes silent (SLEEP stands in for it) is given up on after the DSN's socketTimeout.
        try (Database db = Database.open(url + "&socketTimeout=1000", 2)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> db.jdbi().withHandle(h -> h.createQuery("SELECT SLEEP(30)").mapTo(Integer.class).one()))
                    .hasStackTraceContaining("Read timed out");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(20_000);
        } finally {
            TestDatabases.drop(url);
        }
    }
}
