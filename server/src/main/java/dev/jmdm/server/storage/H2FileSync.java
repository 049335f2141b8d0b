package dev.jmdm.server.storage;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;

/**
 * Forces an embedded H2 file store to disk: {@code MVStore.commit()} writes every change committed
 * so far (waiting for a store another thread has under way), the store header is pointed at the newest
 * chunk (see below), and {@code MVStore.sync()} fsyncs the {@code .mv.db} file. Holds a connection of
 * its own, which also keeps the database open while the pool renews its connections, so the store it
 * flushes is always the one the pool writes to.
 *
 * <p>Why the header: after an unclean stop H2 finds the newest chunk by starting from the chunk the
 * store header names and following each chunk's prediction of where the next one goes (or from the
 * chunk at the very end of the file). When a chunk lands elsewhere, H2 rewrites the header so that it
 * can still be found, but H2 2.5.250 to 2.5.252 (at least) write that header naming the chunk
 * <em>before</em> it: the new chunk and every chunk chained after it, up to the next header write, are
 * then skipped on reopen and their commits silently lost, although they are in the file and were
 * fsynced. Once a store has freed chunks (45 s after they were written, or after a restart) new chunks
 * land in the gaps often enough that a {@code kill -9} lost 18 of 79 answered writes in one round of
 * {@code EmbeddedStoreKillTest}. Writing the header here, naming the newest chunk, before the fsync
 * that every answered write waits for, makes the newest chunk the starting point of any recovery.
 */
final class H2FileSync implements GroupCommit.Flush, AutoCloseable {
    private final Connection keepOpen;
    private final MVStore store;
    private final FileStore<?> file;
    private final Method writeStoreHeader;

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
            file = store.getFileStore();
            writeStoreHeader = headerWriter(file);
        } catch (SQLException | RuntimeException e) {
            keepOpen.close();
            throw e;
        }
    }

    /**
     * H2's own header write, which names the chunk H2 last finished; private in H2, hence reflection. A
     * release without it cannot be trusted blindly: the server refuses to start rather than run without
     * the repair, and {@code EmbeddedStoreRecoveryTest} says whether the new release still needs it.
     */
    private static Method headerWriter(FileStore<?> file) {
        if (!(file instanceof RandomAccessStore)) {
            throw new IllegalStateException("the embedded store must be a single H2 file, not " + file.getClass().getName());
        }
        try {
            Method m = RandomAccessStore.class.getDeclaredMethod("writeStoreHeader");
            m.setAccessible(true);
            return m;
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new IllegalStateException("this H2 release (" + org.h2.engine.Constants.FULL_VERSION
                    + ") has no store header write to call; see H2FileSync before changing the H2 version", e);
        }
    }

    @Override
    public void run() {
        store.commit();
        pointHeaderAtNewestChunk();
        store.sync();
    }

    /** Under H2's store lock, so no chunk is being written meanwhile and the newest one is complete on the file. */
    private void pointHeaderAtNewestChunk() {
        RuntimeException[] failed = new RuntimeException[1];
        store.executeFilestoreOperation(() -> {
            if (DataUtils.readHexLong(file.getStoreHeader(), "version", -1) == file.lastChunkVersion()) {
                return; // H2 wrote it for this chunk itself
            }
            try {
                writeStoreHeader.invoke(file);
            } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
                // Thrown inside executeFilestoreOperation it would close the store: report it to the waiting writers instead.
                failed[0] = new IllegalStateException("could not write the store header", e instanceof InvocationTargetException i ? i.getCause() : e);
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    @Override
    public void close() throws SQLException {
        keepOpen.close();
    }
}
