package io.indexgate.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite database of a store: one writer connection behind a lock (SQLite admits one writer at a time) and a
 * small pool of reader connections (WAL lets them read the last committed state while a write is in progress).
 * Every connection runs with {@code journal_mode=WAL}, {@code synchronous=FULL} and foreign keys on, so a committed
 * transaction is durable. Thread-safe.
 */
final class Database implements AutoCloseable {

    /** A unit of work on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private static final int READERS = 4;

    private final Path file;
    private final Connection writer;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    private final List<Connection> allReaders = new ArrayList<>();
    private volatile boolean closed;

    Database(Path file) throws SQLException {
        this.file = file;
        this.writer = connect();
        writer.setAutoCommit(false);
        for (int i = 0; i < READERS; i++) {
            Connection reader = connect();
            allReaders.add(reader);
            readers.add(reader);
        }
    }

    private Connection connect() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(30_000);
        return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    Path file() {
        return file;
    }

    /** Runs {@code work} in one write transaction: committed if it returns, rolled back if it throws. */
    <T> T write(Work<T> work) throws SQLException {
        writeLock.lock();
        try {
            ensureOpen();
            try {
                T result = work.run(writer);
                writer.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    writer.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Runs {@code work} on a reader connection, which sees the last committed state. */
    <T> T read(Work<T> work) throws SQLException {
        ensureOpen();
        Connection reader;
        try {
            reader = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a database connection", e);
        }
        try {
            ensureOpen();
            return work.run(reader);
        } finally {
            readers.add(reader);
        }
    }

    private void ensureOpen() throws SQLException {
        if (closed) {
            throw new SQLException("the store's database " + file + " is closed");
        }
    }

    @Override
    public void close() throws SQLException {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            SQLException failure = null;
            List<Connection> all = new ArrayList<>(allReaders);
            all.add(writer);
            for (Connection connection : all) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            writeLock.unlock();
        }
    }
}
