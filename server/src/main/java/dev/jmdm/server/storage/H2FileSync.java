package dev.jmdm.server.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * Forces an embedded H2 file store to disk: {@code MVStore.commit()} writes every change committed
 * so far (waiting for a store another thread has under way), {@code MVStore.sync()} fsyncs the
 * {@code .mv.db} file. Holds a connection of its own, which also keeps the database open while the
 * pool renews its connections, so the store it flushes is always the one the pool writes to.
 */
final class H2FileSync implements GroupCommit.Flush, AutoCloseable {
    private final Connection keepOpen;
    private final MVStore store;

    H2FileSync(String jdbcUrl) throws SQLException {
        keepOpen = DriverManager.getConnection(jdbcUrl);
        try {
            SessionLocal session = (SessionLocal) keepOpen.unwrap(JdbcConnection.class).getSession();
            store = session.getDatabase().getStore().getMvStore();
            // With a write delay H2 stores in background threads; commit() could then return while
            // another thread's store is still queued, and the fsync would miss it.
            if (store.getAutoCommitDelay() != 0) {
                throw new IllegalStateException("the embedded store must be opened with WRITE_DELAY=0, not "
                        + store.getAutoCommitDelay() + " ms");
            }
        } catch (SQLException | RuntimeException e) {
            keepOpen.close();
            throw e;
        }
    }

    @Override
    public void run() {
        store.commit();
        store.sync();
    }

    @Override
    public void close() throws SQLException {
        keepOpen.close();
    }
}
