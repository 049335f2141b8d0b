package dev.jmdm.server.storage;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections whose write transactions return only once they are on disk: after a commit that
 * wrote something (or a write statement in auto-commit), the thread waits on the shared
 * {@link GroupCommit}. Statements that only read pay nothing.
 */
final class DurableDataSource implements DataSource {
    private static final Set<String> WRITES = Set.of("executeUpdate", "executeLargeUpdate", "executeBatch", "executeLargeBatch");

    private final DataSource pool;
    private final GroupCommit barrier;

    DurableDataSource(DataSource pool, GroupCommit barrier) {
        this.pool = pool;
        this.barrier = barrier;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(pool.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return wrap(pool.getConnection(user, password));
    }

    private Connection wrap(Connection c) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new Tracked(c));
    }

    /** One connection: remembers whether the open transaction wrote, and waits for the barrier when it ends. */
    private final class Tracked implements InvocationHandler {
        private final Connection target;
        private boolean wrote;

        Tracked(Connection target) {
            this.target = target;
        }

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            String name = m.getName();
            if (name.equals("unwrap") || name.equals("isWrapperFor")) {
                return call(m, args);
            }
            boolean endsWrite = wrote && (name.equals("commit")
                    || name.equals("setAutoCommit") && Boolean.TRUE.equals(args[0]) && !target.getAutoCommit());
            if (name.equals("rollback") && (args == null || args.length == 0)) {
                wrote = false;
            }
            Object result = call(m, args);
            if (endsWrite) {
                wrote = false;
                durable();
            }
            if (result instanceof Statement s) {
                Class<?> type = s instanceof CallableStatement ? CallableStatement.class
                        : s instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
                return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {type}, new StatementHandler(s, this));
            }
            return result;
        }

        private Object call(Method m, Object[] args) throws Throwable {
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        /** A statement of this connection wrote: durable now in auto-commit, at commit otherwise. */
        void wrote() throws SQLException {
            if (target.getAutoCommit()) {
                durable();
            } else {
                wrote = true;
            }
        }

        private void durable() throws SQLException {
            try {
                barrier.await();
            } catch (SQLException e) {
                throw e;
            } catch (Exception e) {
                throw new SQLException("the commit could not be written to disk: " + e.getMessage(), e);
            }
        }
    }

    /** Marks writes: execute() that produced no result set, and the update and batch calls. */
    private record StatementHandler(Statement target, Tracked connection) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            Object result;
            try {
                result = m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            String name = m.getName();
            if (WRITES.contains(name) || name.equals("execute") && Boolean.FALSE.equals(result)) {
                connection.wrote();
            }
            return result;
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return pool.isWrapperFor(iface);
    }
}
