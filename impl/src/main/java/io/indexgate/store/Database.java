package io.indexgate.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
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
    private static final int SNAPSHOT_ATTEMPTS = 5;

    private final Path file;
    /** For a snapshot: the private directory holding the copy, deleted on close; else null. */
    private final Path snapshotDirectory;
    private final Connection writer;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    private final List<Connection> allReaders = new ArrayList<>();
    private volatile boolean closed;

    Database(Path file) throws SQLException {
        this(file, null);
    }

    private Database(Path file, Path snapshotDirectory) throws SQLException {
        this.file = file;
        this.snapshotDirectory = snapshotDirectory;
        this.writer = connect();
        for (int i = 0; i < READERS; i++) {
            Connection reader = connect();
            allReaders.add(reader);
            readers.add(reader);
        }
    }

    /**
     * Opens a private copy of the database {@code file} (with its write-ahead log, so that committed transactions not
     * yet checkpointed are seen), leaving the original and its directory untouched: SQLite, even opened read-only,
     * creates or rewrites the {@code -wal} and {@code -shm} files beside a WAL database. The copy is taken again
     * while the files change under it (a live owner checkpointing), a few times at most. Closing the snapshot deletes
     * the copy.
     *
     * @throws IOException if the files cannot be copied, or kept changing
     */
    static Database snapshot(Path file) throws IOException, SQLException {
        Path directory = Files.createTempDirectory("indexgate-snapshot-");
        try {
            Path copy = directory.resolve(file.getFileName().toString());
            Path log = file.resolveSibling(file.getFileName() + "-wal");
            Path logCopy = directory.resolve(log.getFileName().toString());
            for (int attempt = 1; ; attempt++) {
                List<Object> before = List.of(stamp(file), stamp(log));
                Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                Files.deleteIfExists(logCopy);
                if (Files.exists(log)) {
                    Files.copy(log, logCopy);
                }
                if (before.equals(List.of(stamp(file), stamp(log)))) {
                    break;
                }
                if (attempt == SNAPSHOT_ATTEMPTS) {
                    throw new IOException("the database " + file + " changed during each of " + SNAPSHOT_ATTEMPTS
                            + " attempts to copy it; its owner is writing, try again");
                }
            }
            return new Database(copy, directory);
        } catch (IOException | SQLException | RuntimeException e) {
            deleteTree(directory, e);
            throw e;
        }
    }

    /** Size and modification time of a file, or "absent". */
    private static Object stamp(Path file) throws IOException {
        try {
            return List.of(Files.size(file), Files.getLastModifiedTime(file));
        } catch (NoSuchFileException e) {
            return "absent";
        }
    }

    private static void deleteTree(Path directory, Exception failure) {
        try (Stream<Path> entries = Files.walk(directory)) {
            for (Path entry : entries.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(entry);
            }
        } catch (IOException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                throw new UncheckedIOException("cannot delete the database snapshot " + directory, e);
            }
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

    /** The row id of the last insert on {@code connection}. */
    static long lastInsertRowId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT last_insert_rowid()")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /**
     * Runs {@code work} in one write transaction: committed if it returns, rolled back if it throws.
     *
     * <p>The transaction is SQLite's own, begun and ended by statements ({@code BEGIN IMMEDIATE}, {@code COMMIT},
     * {@code ROLLBACK}) on a connection in auto-commit mode, not sqlite-jdbc's {@code setAutoCommit(false)}: that one
     * begins the next transaction only after a successful commit, so after a commit that failed (an EIO on the
     * write-ahead log's fsync, a full disk) every later statement ran in auto-commit, each committed alone, and a
     * crash between a record and its pending-operation row left a record that no recovery puts in the index (the
     * gate's crash points below the JVM found it). Here every write begins its own transaction, and a failed one is
     * rolled back whether SQLite still holds it or has already rolled it back itself.
     */
    <T> T write(Work<T> work) throws SQLException {
        writeLock.lock();
        try {
            ensureOpen();
            execute("BEGIN IMMEDIATE");
            try {
                T result = work.run(writer);
                execute("COMMIT");
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollBack(e);
                throw e;
            }
        } finally {
            writeLock.unlock();
        }
    }

    @io.indexgate.persist.FaultPoint("the negative control autocommit-after-failed-commit.btm: no transaction begun")
    private void execute(String sql) throws SQLException {
        try (Statement statement = writer.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Rolls back the writer's transaction after {@code failure}, if SQLite has not already. */
    @io.indexgate.persist.FaultPoint("the negative control autocommit-after-failed-commit.btm: a write failed")
    private void rollBack(Throwable failure) {
        try {
            execute("ROLLBACK");
        } catch (SQLException rollbackFailure) {
            // "no transaction is active": SQLite rolled back by itself (a failed COMMIT of an I/O error does).
            if (rollbackFailure.getMessage() == null || !rollbackFailure.getMessage().contains("no transaction")) {
                failure.addSuppressed(rollbackFailure);
            }
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
            if (snapshotDirectory != null) {
                deleteTree(snapshotDirectory, failure);
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            writeLock.unlock();
        }
    }
}
