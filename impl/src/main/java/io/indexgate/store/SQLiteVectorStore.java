package io.indexgate.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.indexgate.engine.EngineOptions;
import io.indexgate.engine.Engines;
import io.indexgate.engine.SimilarityMetric;
import io.indexgate.persist.AtomicIndexWriter;
import io.indexgate.persist.StaleTemps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A vector store: collections of records kept in SQLite ({@code <data dir>/store.db}), each collection's vectors in
 * an engine whose index lives in one file ({@code <data dir>/indexes/<namespace>.<name>.<engine>.index}). A Java port
 * of the design of MemMachine's {@code SQLiteVectorStore}, with the atomic index save of its PR #1460.
 *
 * <p><b>Durability contract.</b> Every acknowledged upsert or delete is durable (SQLite, {@code synchronous=FULL}).
 * Index files are written with the protocol of {@link io.indexgate.persist.AtomicIndexWriter} and committed only when
 * durable; a collection whose index was committed ({@code index_saved}) refuses to open without it
 * ({@link IndexLoadError}) rather than start empty. Opening a collection replays the pending-operation log. See
 * {@code io.indexgate.persist} for the whole protocol.
 *
 * <p><b>Lifecycle.</b> {@link #close()} is the clean shutdown: it saves every open collection that has unsaved
 * changes. A store that is dropped without closing (a crash), or {@link #abandon() abandoned}, loses nothing that was
 * acknowledged.
 *
 * <p><b>One owner.</b> A data directory is owned by one store at a time: {@link #open} takes an exclusive lock on it
 * (an OS file lock on {@code store.lock}, which dies with its process) and a second open, in this JVM or another
 * process, fails at once with {@link DataDirectoryInUseException} naming the holder. {@link #openReadOnly} inspects a
 * directory without owning it and without changing it.
 *
 * <p><b>Thread safety.</b> Safe for concurrent use from many threads; see {@link VectorCollection}.
 */
public final class SQLiteVectorStore implements AutoCloseable {

    private static final String INDEX_SUFFIX = ".index";
    private static final String DATABASE_FILE = "store.db";

    private final Path dataDirectory;
    private final Path indexDirectory;
    private final StoreOptions options;
    private final Database database;
    /** The owner lock; null for a read-only store, which owns nothing. */
    private final DataDirectoryLock ownerLock;
    private final String ownerAtOpen;
    private final Map<String, VectorCollection> open = new HashMap<>();
    private boolean closed;

    private SQLiteVectorStore(Path dataDirectory, Path indexDirectory, StoreOptions options, Database database,
                              DataDirectoryLock ownerLock, String ownerAtOpen) {
        this.dataDirectory = dataDirectory;
        this.indexDirectory = indexDirectory;
        this.options = options;
        this.database = database;
        this.ownerLock = ownerLock;
        this.ownerAtOpen = ownerAtOpen;
    }

    /** Opens (creating if needed) the store in {@code dataDirectory} with {@link StoreOptions#defaults()}. */
    public static SQLiteVectorStore open(Path dataDirectory) {
        return open(dataDirectory, StoreOptions.defaults());
    }

    /**
     * Opens (creating if needed) the store in {@code dataDirectory} and makes this store its one owner until
     * {@link #close()}. The owner lock is taken before anything in the directory is read or written (only the
     * directory itself is created first); the kernel releases it if this process dies. Collections are opened
     * (loaded and replayed) on first use.
     *
     * @throws DataDirectoryInUseException if another store, in this JVM or another process, owns the directory
     * @throws VectorStoreException        naming the directory if it cannot be created or the database opened
     */
    public static SQLiteVectorStore open(Path dataDirectory, StoreOptions options) {
        Path indexDirectory = indexDirectory(dataDirectory, options);
        DataDirectoryLock lock = null;
        Database database = null;
        try {
            createDurably(dataDirectory);
            lock = DataDirectoryLock.acquire(dataDirectory);
            createDurably(indexDirectory);
            database = new Database(dataDirectory.resolve(DATABASE_FILE));
            database.write(SQLiteVectorStore::createSchema);
            return new SQLiteVectorStore(dataDirectory, indexDirectory, options, database, lock, null);
        } catch (IOException | SQLException | RuntimeException e) {
            closeQuietly(database, lock, e);
            if (e instanceof DataDirectoryInUseException inUse) {
                throw inUse;
            }
            throw new VectorStoreException("cannot open the store in " + dataDirectory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the store in {@code dataDirectory} for inspection, changing nothing in it: no file or directory is
     * created, written or deleted (the database is read from a private snapshot copy; stale temps are left where they
     * are; the pending-operation log is replayed into the engines in memory only, so that collections show what
     * recovery would produce). It works while another process owns the directory; {@link #ownerAtOpen()} then says
     * who, and what is read is a snapshot that the owner's later writes do not change. Every mutation, save and
     * collection change is refused; {@link #close()} saves nothing.
     *
     * @throws VectorStoreException naming the directory if it holds no store or its database cannot be read
     */
    public static SQLiteVectorStore openReadOnly(Path dataDirectory, StoreOptions options) {
        Path file = dataDirectory.resolve(DATABASE_FILE);
        if (!Files.isRegularFile(file)) {
            throw new VectorStoreException(dataDirectory + " holds no store (no " + DATABASE_FILE + ")");
        }
        try {
            String owner = DataDirectoryLock.currentHolder(dataDirectory).orElse(null);
            return new SQLiteVectorStore(dataDirectory, indexDirectory(dataDirectory, options), options,
                    Database.snapshot(file), null, owner);
        } catch (IOException | SQLException e) {
            throw new VectorStoreException("cannot read the store in " + dataDirectory + ": " + e.getMessage(), e);
        }
    }

    private static Path indexDirectory(Path dataDirectory, StoreOptions options) {
        return options.indexDirectory() != null ? options.indexDirectory() : dataDirectory.resolve("indexes");
    }

    private static void closeQuietly(Database database, DataDirectoryLock lock, Exception failure) {
        try {
            if (database != null) {
                database.close();
            }
        } catch (SQLException closeFailure) {
            failure.addSuppressed(closeFailure);
        }
        try {
            if (lock != null) {
                lock.close();
            }
        } catch (IOException closeFailure) {
            failure.addSuppressed(closeFailure);
        }
    }

    @io.indexgate.persist.FaultPoint("the caller that the negative control no-parent-force.btm names")
    private static void createDurably(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            Path parent = directory.toAbsolutePath().getParent();
            if (parent != null) {
                AtomicIndexWriter.forceDirectory(parent);
            }
        }
    }

    private static Void createSchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS collections ("
                    + "id INTEGER PRIMARY KEY AUTOINCREMENT, "
                    + "namespace TEXT NOT NULL, "
                    + "name TEXT NOT NULL, "
                    + "config TEXT NOT NULL, "
                    + "index_saved INTEGER NOT NULL DEFAULT 0 CHECK (index_saved IN (0, 1)), "
                    + "UNIQUE (namespace, name))");
            for (String sql : PendingLog.createStatements()) {
                statement.execute(sql);
            }
        }
        return null;
    }

    /** The data directory. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The directory of the index files. */
    public Path indexDirectory() {
        return indexDirectory;
    }

    /** Whether this store was opened with {@link #openReadOnly} and refuses every change. */
    public boolean isReadOnly() {
        return ownerLock == null;
    }

    /**
     * For a read-only store: who owned the data directory when it was opened (PID, host, since when), if anyone.
     * Always empty for an owning store.
     */
    public Optional<String> ownerAtOpen() {
        return Optional.ofNullable(ownerAtOpen);
    }

    /**
     * Creates a collection and opens it.
     *
     * @throws IllegalArgumentException           if a name is invalid
     * @throws CollectionAlreadyExistsException   if the collection exists (whatever its config)
     * @throws VectorStoreException               if the store is read-only or the database fails
     */
    public VectorCollection createCollection(String namespace, String name, CollectionConfig config) {
        return underLock(namespace, name, "creating", () -> {
            ensureWritable("create collection " + namespace + "/" + name);
            CollectionRow existing = findRow(namespace, name);
            if (existing != null) {
                throw new CollectionAlreadyExistsException(namespace, name, existing.config());
            }
            long id = database.write(connection -> insertCollection(connection, namespace, name, config));
            return openRow(new CollectionRow(id, namespace, name, config, false));
        });
    }

    /**
     * Opens an existing collection: loads its index if one was saved, then replays its pending operations.
     * Returns the same object on later calls until it is deleted or the store closed.
     *
     * @throws CollectionNotFoundException if it does not exist
     * @throws IndexLoadError              if its saved index cannot be loaded
     */
    public VectorCollection openCollection(String namespace, String name) {
        return findCollection(namespace, name).orElseThrow(() -> new CollectionNotFoundException(namespace, name));
    }

    /**
     * Opens the collection if it exists, like {@link #openCollection}; empty (no exception) if it does not.
     *
     * @throws IllegalArgumentException if a name is invalid
     * @throws IndexLoadError           if it exists and its saved index cannot be loaded
     */
    public Optional<VectorCollection> findCollection(String namespace, String name) {
        return underLock(namespace, name, "opening", () -> {
            VectorCollection cached = open.get(key(namespace, name));
            if (cached != null) {
                return Optional.of(cached);
            }
            CollectionRow row = findRow(namespace, name);
            return row == null ? Optional.empty() : Optional.of(openRow(row));
        });
    }

    /**
     * Opens the collection, creating it if it does not exist.
     *
     * @throws CollectionConfigMismatchException if it exists with a different config (naming both)
     */
    public VectorCollection openOrCreateCollection(String namespace, String name, CollectionConfig config) {
        return underLock(namespace, name, "opening", () -> {
            CollectionRow row = findRow(namespace, name);
            if (row == null) {
                return createCollection(namespace, name, config);
            }
            if (!row.config().equals(config)) {
                throw new CollectionConfigMismatchException(namespace, name, row.config(), config);
            }
            return openCollection(namespace, name);
        });
    }

    /**
     * Deletes a collection: its records, pending operations and index file (and stale temps). Idempotent.
     *
     * @return whether it existed
     */
    public boolean deleteCollection(String namespace, String name) {
        return underLock(namespace, name, "deleting", () -> {
            ensureWritable("delete collection " + namespace + "/" + name);
            CollectionRow row = findRow(namespace, name);
            if (row == null) {
                return false;
            }
            VectorCollection collection = open.remove(key(namespace, name));
            if (collection != null) {
                collection.mutationLock().lock();
                try {
                    collection.closeLocked("deleted");
                } finally {
                    collection.mutationLock().unlock();
                }
            }
            database.write(connection -> {
                try (Statement drop = connection.createStatement();
                     PreparedStatement delete = connection.prepareStatement("DELETE FROM collections WHERE id = ?")) {
                    drop.execute(RecordsTable.dropStatement(row.id()));
                    delete.setLong(1, row.id());
                    return delete.executeUpdate();
                }
            });
            Path indexPath = indexPath(row);
            StaleTemps.clear(indexPath);
            if (Files.deleteIfExists(indexPath)) {
                AtomicIndexWriter.forceDirectory(indexDirectory);
            }
            return true;
        });
    }

    /** Work on one collection under the store's lock, which may fail in SQLite or on the index file. */
    @FunctionalInterface
    private interface CollectionWork<T> {
        T run() throws SQLException, IOException;
    }

    /** Validates the names, takes the store's lock, checks the store is open, and names the collection on failure. */
    private <T> T underLock(String namespace, String name, String operation, CollectionWork<T> work) {
        Identifiers.requireCollectionName("namespace", namespace);
        Identifiers.requireCollectionName("collection name", name);
        synchronized (open) {
            ensureOpen();
            try {
                return work.run();
            } catch (SQLException | IOException e) {
                throw new VectorStoreException(operation + " collection " + namespace + "/" + name + " failed", e);
            }
        }
    }

    /** A description of one collection, from SQLite alone (its index is not loaded). */
    public record CollectionInfo(String namespace, String name, CollectionConfig config, boolean indexSaved,
                                 Path indexPath) {
    }

    /** Every collection, ordered by namespace and name. */
    public List<CollectionInfo> listCollections() {
        return readUnderLock("listing collections", connection -> {
            List<CollectionInfo> infos = new ArrayList<>();
            try (Statement select = connection.createStatement();
                 ResultSet rows = select.executeQuery("SELECT id, namespace, name, config, index_saved "
                         + "FROM collections ORDER BY namespace, name")) {
                while (rows.next()) {
                    CollectionRow row = collectionRow(rows);
                    infos.add(new CollectionInfo(row.namespace(), row.name(), row.config(), row.indexSaved(),
                            indexPath(row)));
                }
            }
            return infos;
        });
    }

    /**
     * The whole pending-operation log, every collection's, in log order: what recovery would replay after a crash
     * now. A read-only view (of the snapshot, for a store opened with {@link #openReadOnly}); for tests and
     * inspection, without SQL. Rows of a deleted collection are gone with it; a committed save removes the rows its
     * index holds.
     *
     * @throws VectorStoreException if the store is closed or the database fails
     */
    public List<PendingOperationInfo> pendingOperations() {
        return readUnderLock("reading the pending-operation log", PendingLog::readAllCollections);
    }

    /** Reads under the store's lock, once the store is known to be open; names {@code what} on failure. */
    private <T> T readUnderLock(String what, Database.Work<T> work) {
        synchronized (open) {
            ensureOpen();
            try {
                return database.read(work);
            } catch (SQLException e) {
                throw new VectorStoreException(what + " failed", e);
            }
        }
    }

    private record CollectionRow(long id, String namespace, String name, CollectionConfig config,
                                 boolean indexSaved) {
    }

    private VectorCollection openRow(CollectionRow row) throws SQLException {
        EngineOptions engineOptions = EngineOptions.of(row.config().dimensions(), row.config().metric());
        VectorCollection collection = VectorCollection.open(database, row.id(), row.namespace(), row.name(),
                row.config(), indexPath(row), Engines.create(row.config().engine(), engineOptions),
                options.saveThreshold(), row.indexSaved(), isReadOnly());
        open.put(key(row.namespace(), row.name()), collection);
        return collection;
    }

    private Path indexPath(CollectionRow row) {
        return indexDirectory.resolve(indexFileName(row.namespace(), row.name(), row.config().engine()));
    }

    /** The file name of a collection's index in the index directory: {@code <namespace>.<name>.<engine>.index}. */
    public static String indexFileName(String namespace, String name, String engine) {
        return namespace + "." + name + "." + engine + INDEX_SUFFIX;
    }

    private CollectionRow findRow(String namespace, String name) throws SQLException {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT id, namespace, name, config, "
                    + "index_saved FROM collections WHERE namespace = ? AND name = ?")) {
                select.setString(1, namespace);
                select.setString(2, name);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? collectionRow(rows) : null;
                }
            }
        });
    }

    private static CollectionRow collectionRow(ResultSet rows) throws SQLException {
        return new CollectionRow(rows.getLong(1), rows.getString(2), rows.getString(3),
                configFromJson(rows.getString(4)), rows.getInt(5) == 1);
    }

    private static long insertCollection(Connection connection, String namespace, String name,
                                         CollectionConfig config) throws SQLException {
        long id;
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO collections (namespace, name, config, index_saved) VALUES (?, ?, ?, 0)")) {
            insert.setString(1, namespace);
            insert.setString(2, name);
            insert.setString(3, configToJson(config));
            insert.executeUpdate();
        }
        id = Database.lastInsertRowId(connection);
        try (Statement create = connection.createStatement()) {
            for (String sql : RecordsTable.createStatements(id, config)) {
                create.execute(sql);
            }
        }
        return id;
    }

    static String configToJson(CollectionConfig config) {
        ObjectNode node = PropertyCodec.mapper().createObjectNode();
        node.put("dimensions", config.dimensions());
        node.put("metric", config.metric().id());
        node.put("engine", config.engine());
        ObjectNode properties = node.putObject("indexed_properties");
        config.indexedProperties().forEach((property, type) -> properties.put(property, type.id()));
        return node.toString();
    }

    static CollectionConfig configFromJson(String json) {
        try {
            JsonNode node = PropertyCodec.mapper().readTree(json);
            Map<String, PropertyType> properties = new LinkedHashMap<>();
            node.get("indexed_properties").fields().forEachRemaining(
                    field -> properties.put(field.getKey(), PropertyType.fromId(field.getValue().textValue())));
            return new CollectionConfig(node.get("dimensions").intValue(),
                    SimilarityMetric.fromId(node.get("metric").textValue()), node.get("engine").textValue(),
                    properties);
        } catch (IOException | RuntimeException e) {
            throw new VectorStoreException("stored collection config is invalid: " + json, e);
        }
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    private void ensureOpen() {
        if (closed) {
            throw new VectorStoreException("the store in " + dataDirectory + " is closed");
        }
    }

    private void ensureWritable(String operation) {
        if (isReadOnly()) {
            throw new VectorStoreException("cannot " + operation + ": the store in " + dataDirectory
                    + " is open read-only");
        }
    }

    /**
     * Clean shutdown: saves every open collection with unsaved changes, then closes engines and the database, then
     * releases the owner lock. Every collection is attempted even if one fails; the failures are then thrown together.
     * A read-only store saves nothing and deletes its database snapshot. Idempotent.
     *
     * @throws VectorStoreException if a save or the database close failed (the pending log keeps every change)
     */
    @Override
    public void close() {
        shutdown(true);
    }

    /**
     * Closes the store as a crash would: this is the way to simulate a crash without saving, in-process. Nothing is
     * saved (no index file is written, the pending-operation log is not touched), but everything the store holds is
     * released: every collection's engine (native memory included), every database connection, and the owner lock,
     * so that the same directory can be opened again at once, in this JVM or another. Every acknowledged change stays
     * in the pending-operation log and the next open replays it, exactly as after a crash. Also for an application
     * that must stop at once. The store and its collections are unusable afterwards. Idempotent, and a no-op after
     * {@link #close()}.
     *
     * @throws VectorStoreException if the database or the lock could not be released
     */
    public void abandon() {
        shutdown(false);
    }

    private void shutdown(boolean save) {
        synchronized (open) {
            if (closed) {
                return;
            }
            closed = true;
            VectorStoreException failure = null;
            for (VectorCollection collection : open.values()) {
                collection.mutationLock().lock();
                try {
                    if (save) {
                        collection.saveForShutdownLocked();
                    }
                } catch (IOException | SQLException | RuntimeException e) {
                    failure = addFailure(failure, "saving collection " + collection.namespace() + "/"
                            + collection.name() + " at shutdown failed", e);
                } finally {
                    collection.closeLocked(save ? "closed with its store" : "abandoned with its store");
                    collection.mutationLock().unlock();
                }
            }
            open.clear();
            try {
                database.close();
            } catch (SQLException e) {
                failure = addFailure(failure, "closing the database failed", e);
            }
            try {
                if (ownerLock != null) {
                    ownerLock.close();
                }
            } catch (IOException e) {
                failure = addFailure(failure, "releasing the owner lock of " + dataDirectory + " failed", e);
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private static VectorStoreException addFailure(VectorStoreException failure, String message, Exception cause) {
        if (failure == null) {
            return new VectorStoreException(message + ": " + cause, cause);
        }
        failure.addSuppressed(cause instanceof IOException io ? new UncheckedIOException(io) : cause);
        return failure;
    }
}
