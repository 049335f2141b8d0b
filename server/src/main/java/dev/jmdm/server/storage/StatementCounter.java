package dev.jmdm.server.storage;

import java.util.concurrent.atomic.LongAdder;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Counts the SQL statements and transactions the server runs: a check-in's cost is mostly its round trips to the
 * store (a transaction adds its begin and commit to its statements), so {@code /metrics} shows both and a test pins
 * how many each check-in takes. One {@link LongAdder} increment each: nothing measurable beside a statement.
 */
public final class StatementCounter {
    private final LongAdder statements = new LongAdder();
    private final LongAdder transactions = new LongAdder();

    /** Counts what jdbi runs from now on. */
    void install(Jdbi jdbi) {
        jdbi.getConfig(SqlStatements.class).setSqlLogger(new SqlLogger() {
            @Override
            public void logAfterExecution(StatementContext context) {
                statements.increment();
            }

            @Override
            public void logException(StatementContext context, java.sql.SQLException ex) {
                statements.increment();
            }
        });
        jdbi.setTransactionHandler(new Counting(jdbi.getTransactionHandler()));
    }

    public long statements() {
        return statements.sum();
    }

    public long transactions() {
        return transactions.sum();
    }

    /** Counts outermost transactions only: a nested one joins its caller's and costs no round trip. */
    private final class Counting extends DelegatingTransactionHandler {
        Counting(TransactionHandler delegate) {
            super(delegate);
        }

        @Override
        public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
            if (!isInTransaction(handle)) {
                transactions.increment();
            }
            return super.inTransaction(handle, callback);
        }

        @Override
        public <R, X extends Exception> R inTransaction(Handle handle, TransactionIsolationLevel level, HandleCallback<R, X> callback)
                throws X {
            if (!isInTransaction(handle)) {
                transactions.increment();
            }
            return super.inTransaction(handle, level, callback);
        }
    }
}
