package io.indexgate.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite database of a store: one writer connection behind a lock (SQLite admits one writer at a time) and a
 * small pool of reader connections (WAL lets them read the last committed state while a write is in progress).
 * Every connection runs with {@code journal_mode=WAL}, {@code synchronous=FULL} and foreign keys on, so a committed
 * transaction is durable. A reader keeps a page cache of {@value #READER_CACHE_KIB} KiB (SQLite's default is 2 MiB)
 * and the statements that the hot reads prepare ({@link #withStatement}), so that a query's row lookups neither
 * re-read pages from the file nor re-prepare their SQL; the reader returned last is lent first, so that one thread's
 * reads keep one warm cache. Thread-safe.
 */
final class Database implements AutoCloseable {

    /** A unit of work on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** A statement's work on its result: runs while the connection is lent to the caller. */
    @FunctionalInterface
    interface StatementWork<T> {
        T run(PreparedStatement statement) throws SQLException;
    }

    private static final int READERS = 4;
    private static final int SNAPSHOT_ATTEMPTS = 5;
    /**
     * A reader's page cache, filled as pages are read. A records row carries its vector, so a leaf page holds a few
     * rows and a query's matches lie on as many pages: the 5,000 rows that 500 queries of 100,000 x 128 match fill
     * about 20 MiB, and a smaller cache, cycled through, hits almost never (16 MiB was no faster than the default).
     */
    static final int READER_CACHE_KIB = 64 * 1024;
    /** How many prepared statements a connection keeps (least recently used are closed first). */
    private static final int STATEMENTS_PER_CONNECTION = 64;

    private final Path file;
    /** For a snapshot: the private directory holding the copy, deleted on close; else null. */
    private final Path snapshotDirectory;
    private final Connection writer;
    private final ReentrantLock writeLock = new ReentrantLock();
    /** The idle readers, the most recently returned first: its page cache is the warmest. */
    private final BlockingDeque<Connection> readers = new LinkedBlockingDeque<>(READERS);
    private final List<Connection> allReaders = new ArrayList<>();
    /** Each connection's prepared statements; the map is filled in the constructor and never changed after. */
    private final Map<Connection, StatementCache> statements;
    private volatile boolean closed;

    Database(Path file) throws SQLException {
        this(file, null);
    }

    private Database(Path file, Path snapshotDirectory) throws SQLException {
        this.file = file;
        this.snapshotDirectory = snapshotDirectory;
        Map<Connection, StatementCache> caches = new IdentityHashMap<>();
        this.writer = connect(false);
        caches.put(writer, new StatementCache(writer));
        for (int i = 0; i < READERS; i++) {
            Connection reader = connect(true);
            allReaders.add(reader);
            readers.add(reader);
            caches.put(reader, new StatementCache(reader));
        }
        this.statements = caches;
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

    private Connection connect(boolean reader) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(30_000);
        if (reader) {
            config.setCacheSize(-READER_CACHE_KIB);
        }
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
            reader = readers.takeFirst();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a database connection", e);
        }
        try {
            ensureOpen();
            return work.run(reader);
        } finally {
            readers.addFirst(reader);
        }
    }

    /**
     * Runs {@code work} on a reader connection in one read transaction, so that all its statements see the same
     * committed state.
     */
    <T> T readInOneTransaction(Work<T> work) throws SQLException {
        return read(connection -> {
            try (Statement begin = connection.createStatement()) {
                begin.execute("BEGIN DEFERRED");
            }
            T result;
            try {
                result = work.run(connection);
            } catch (SQLException | RuntimeException | Error e) {
                endReadTransaction(connection, e);
                throw e;
            }
            endReadTransaction(connection, null);
            return result;
        });
    }

    /** Ends a reader's transaction; a failure to is thrown, or suppressed in the {@code failure} already thrown. */
    private static void endReadTransaction(Connection reader, Throwable failure) throws SQLException {
        try (Statement end = reader.createStatement()) {
            end.execute("COMMIT");
        } catch (SQLException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    /**
     * Runs {@code work} with the statement of {@code sql} on {@code connection}, prepared on the connection's first
     * use of that SQL and kept for the next (a bounded number per connection; the least recently used is closed).
     * Call it only inside the {@link #read} or {@link #write} work that was lent {@code connection}: a connection is
     * lent to one thread at a time, and so are its statements. The work binds every parameter and closes the result
     * sets it opens (closing one resets the statement, which then holds no read transaction); it never closes the
     * statement. A statement whose work failed is closed and prepared afresh next time.
     */
    <T> T withStatement(Connection connection, String sql, StatementWork<T> work) throws SQLException {
        StatementCache cache = statements.get(connection);
        PreparedStatement statement = cache.get(sql);
        try {
            return work.run(statement);
        } catch (SQLException | RuntimeException | Error e) {
            cache.discard(sql, e);
            throw e;
        }
    }

    /**
     * One connection's prepared statements by SQL, in least-recently-used order. Used by the thread the connection is
     * lent to; synchronized only so that a close from another thread cannot corrupt it.
     */
    private static final class StatementCache {

        private final Connection connection;
        private final LinkedHashMap<String, PreparedStatement> bySql = new LinkedHashMap<>(16, 0.75f, true);

        StatementCache(Connection connection) {
            this.connection = connection;
        }

        synchronized PreparedStatement get(String sql) throws SQLException {
            PreparedStatement statement = bySql.get(sql);
            if (statement == null) {
                statement = connection.prepareStatement(sql);
                bySql.put(sql, statement);
                if (bySql.size() > STATEMENTS_PER_CONNECTION) {
                    Iterator<PreparedStatement> eldest = bySql.values().iterator();
                    PreparedStatement evicted = eldest.next();
                    eldest.remove();
                    evicted.close();
                }
            }
            return statement;
        }

        synchronized void discard(String sql, Throwable failure) {
            PreparedStatement statement = bySql.remove(sql);
            try {
                if (statement != null) {
                    statement.close();
                }
            } catch (SQLException closeFailure) {
                failure.addSuppressed(closeFailure);
            }
        }

        /** Closes every statement; the first failure is thrown after all were tried. */
        synchronized void close() throws SQLException {
            SQLException failure = null;
            for (PreparedStatement statement : bySql.values()) {
                try {
                    statement.close();
                } catch (SQLException e) {
                    failure = chain(failure, e);
                }
            }
            bySql.clear();
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** The first failure, with each later one suppressed in it. */
    private static SQLException chain(SQLException failure, SQLException next) {
        if (failure == null) {
            return next;
        }
        failure.addSuppressed(next);
        return failure;
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
                    statements.get(connection).close();
                } catch (SQLException e) {
                    failure = chain(failure, e);
                }
                try {
                    connection.close();
                } catch (SQLException e) {
                    failure = chain(failure, e);
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
