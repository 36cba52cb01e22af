package io.indexgate.store;

import io.indexgate.engine.AllowedKeys;
import io.indexgate.engine.SearchMatch;
import io.indexgate.engine.VectorMath;
import io.indexgate.engine.VectorSearchEngine;
import io.indexgate.persist.StaleTemps;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One collection of a {@link SQLiteVectorStore}: records in SQLite, their vectors in an engine, the engine's index in
 * one file.
 *
 * <p><b>Durability.</b> An upsert or delete writes the records table and the pending-operation log in one SQLite
 * transaction (committed with {@code synchronous=FULL}: once the call returns, the change is durable), then applies
 * the operations to the engine and marks them applied. When the applied count reaches the store's save threshold,
 * the index is saved with the atomic protocol and only then, in one transaction, the applied operations are deleted
 * and {@code index_saved} set. A failed automatic save does not fail the upsert (its change is already durable): it
 * is logged, reported by {@link #status()}, and retried by the next mutation; {@link #saveIndex()} throws instead.
 *
 * <p><b>Thread safety.</b> Safe for concurrent use. Mutations and saves of one collection are serialized by a lock;
 * queries and gets run concurrently with them and with each other, and see the last committed state.
 */
public final class VectorCollection {

    private static final System.Logger LOG = System.getLogger(VectorCollection.class.getName());
    private static final int SQL_BATCH = 500;
    /** How many neighbours a reachability probe asks for: room for a few records with equal vectors. */
    static final int REACHABILITY_K = 10;

    private final Database database;
    private final long id;
    private final String namespace;
    private final String name;
    private final CollectionConfig config;
    private final Path indexPath;
    private final String table;
    private final VectorSearchEngine engine;
    private final int saveThreshold;
    private final boolean readOnly;
    private final ReentrantLock mutationLock = new ReentrantLock();

    private int appliedSinceSave;
    private long lastAppliedOperation;
    private volatile boolean indexSaved;
    private volatile String lastSaveFailure;
    private volatile String closedReason;

    private VectorCollection(Database database, long id, String namespace, String name, CollectionConfig config,
                             Path indexPath, VectorSearchEngine engine, int saveThreshold, boolean indexSaved,
                             boolean readOnly) {
        this.database = database;
        this.id = id;
        this.namespace = namespace;
        this.name = name;
        this.config = config;
        this.indexPath = indexPath;
        this.table = RecordsTable.name(id);
        this.engine = engine;
        this.saveThreshold = saveThreshold;
        this.indexSaved = indexSaved;
        this.readOnly = readOnly;
    }

    /**
     * Opens a collection: clears stale temps of its index, loads the index if one was saved, then replays the whole
     * pending-operation log (idempotently, see {@link #apply}) and marks it applied. Read-only, it leaves the temps
     * and the log as they are and replays into the engine only.
     *
     * @throws IndexLoadError if {@code indexSaved} and the file is missing, unreadable or fails verification
     */
    static VectorCollection open(Database database, long id, String namespace, String name, CollectionConfig config,
                                 Path indexPath, VectorSearchEngine engine, int saveThreshold, boolean indexSaved,
                                 boolean readOnly) throws SQLException {
        VectorCollection collection = new VectorCollection(database, id, namespace, name, config, indexPath, engine,
                saveThreshold, indexSaved, readOnly);
        try {
            collection.recover();
            return collection;
        } catch (SQLException | RuntimeException | Error e) {
            engine.close();
            throw e;
        }
    }

    private void recover() throws SQLException {
        try {
            if (!readOnly) {
                StaleTemps.clear(indexPath);
            }
            if (indexSaved) {
                engine.load(indexPath);
            }
        } catch (IOException | RuntimeException e) {
            throw new IndexLoadError(namespace, name, indexPath, e);
        }
        List<PendingOperation> pending = database.read(this::readPendingOperations);
        replay(pending);
    }

    private void replay(List<PendingOperation> pending) throws SQLException {
        apply(pending);
        if (!pending.isEmpty() && !readOnly) {
            markApplied(pending);
        }
    }

    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }

    public CollectionConfig config() {
        return config;
    }

    /** The index file of this collection. */
    public Path indexPath() {
        return indexPath;
    }

    /**
     * Inserts or replaces records. An empty list is a no-op. The whole batch is validated first and either written
     * entirely or not at all.
     *
     * @throws IllegalArgumentException if a vector has the wrong dimensions, a non-finite component or (cosine) is
     *                                  zero; a property is invalid; or a UUID appears twice in the batch (rejected
     *                                  rather than resolved, so that no write is silently dropped)
     * @throws VectorStoreException     if the database fails (nothing written)
     */
    public void upsert(List<VectorRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        List<Map<String, Object>> properties = new ArrayList<>(records.size());
        Set<UUID> seen = new HashSet<>();
        for (VectorRecord record : records) {
            if (!seen.add(record.uuid())) {
                throw new IllegalArgumentException("record " + record.uuid() + " appears twice in one upsert to "
                        + namespace + "/" + name);
            }
            VectorMath.validate(record.vector(), config.dimensions(), config.metric(),
                    "vector of record " + record.uuid());
            properties.add(PropertyCodec.normalize(record.properties(), config, record.uuid().toString()));
        }
        mutate("upsert", connection -> writeUpserts(connection, records, properties));
    }

    /**
     * Deletes the records with the given UUIDs; missing UUIDs are ignored, an empty collection is a no-op.
     *
     * @throws VectorStoreException if the database fails (nothing deleted)
     */
    public void delete(Collection<UUID> uuids) {
        if (uuids.isEmpty()) {
            return;
        }
        List<UUID> distinct = List.copyOf(new java.util.LinkedHashSet<>(uuids));
        mutate("delete", connection -> writeDeletes(connection, distinct));
    }

    private void mutate(String operation, Database.Work<List<PendingOperation>> write) {
        mutationLock.lock();
        try {
            ensureWritable(operation);
            List<PendingOperation> logged = database.write(write);
            apply(logged);
            if (!logged.isEmpty()) {
                markApplied(logged);
            }
            if (appliedSinceSave >= saveThreshold) {
                try {
                    saveLocked();
                } catch (IOException | RuntimeException e) {
                    lastSaveFailure = e.toString();
                    LOG.log(Level.WARNING, "automatic save of collection " + namespace + "/" + name
                            + " failed; the pending-operation log keeps every change and the next mutation retries",
                            e);
                }
            }
        } catch (SQLException e) {
            throw new VectorStoreException(operation + " on collection " + namespace + "/" + name + " failed", e);
        } finally {
            mutationLock.unlock();
        }
    }

    private List<PendingOperation> writeUpserts(Connection connection, List<VectorRecord> records,
                                                List<Map<String, Object>> properties) throws SQLException {
        List<String> indexed = new ArrayList<>(config.indexedProperties().keySet());
        StringBuilder insert = new StringBuilder("INSERT INTO ").append(table)
                .append(" (uuid, vector, properties");
        for (String property : indexed) {
            insert.append(", ").append(RecordsTable.propertyColumn(property));
        }
        insert.append(") VALUES (?, ?, ?").append(", ?".repeat(indexed.size())).append(')');
        List<PendingOperation> logged = new ArrayList<>();
        try (PreparedStatement find = connection.prepareStatement("SELECT row_id FROM " + table + " WHERE uuid = ?");
             PreparedStatement remove = connection.prepareStatement("DELETE FROM " + table + " WHERE row_id = ?");
             PreparedStatement add = connection.prepareStatement(insert.toString());
             PreparedStatement log = logStatement(connection)) {
            for (int i = 0; i < records.size(); i++) {
                VectorRecord record = records.get(i);
                Long existing = findRowId(find, record.uuid());
                if (existing != null) {
                    remove.setLong(1, existing);
                    remove.executeUpdate();
                    logged.add(logOperation(connection, log, false, existing, null));
                }
                byte[] vector = RecordsTable.encodeVector(record.vector());
                add.setString(1, record.uuid().toString());
                add.setBytes(2, vector);
                add.setString(3, PropertyCodec.toJson(properties.get(i)));
                for (int p = 0; p < indexed.size(); p++) {
                    PropertyType type = config.indexedProperties().get(indexed.get(p));
                    Object value = properties.get(i).get(indexed.get(p));
                    add.setObject(4 + p, value == null ? null : type.toSql(value));
                }
                add.executeUpdate();
                long rowId = lastInsertRowId(connection);
                logged.add(logOperation(connection, log, true, rowId, record.vector()));
            }
        }
        return logged;
    }

    private List<PendingOperation> writeDeletes(Connection connection, List<UUID> uuids) throws SQLException {
        List<PendingOperation> logged = new ArrayList<>();
        try (PreparedStatement find = connection.prepareStatement("SELECT row_id FROM " + table + " WHERE uuid = ?");
             PreparedStatement remove = connection.prepareStatement("DELETE FROM " + table + " WHERE row_id = ?");
             PreparedStatement log = logStatement(connection)) {
            for (UUID uuid : uuids) {
                Long existing = findRowId(find, uuid);
                if (existing != null) {
                    remove.setLong(1, existing);
                    remove.executeUpdate();
                    logged.add(logOperation(connection, log, false, existing, null));
                }
            }
        }
        return logged;
    }

    private static Long findRowId(PreparedStatement find, UUID uuid) throws SQLException {
        find.setString(1, uuid.toString());
        try (ResultSet rows = find.executeQuery()) {
            return rows.next() ? rows.getLong(1) : null;
        }
    }

    private PreparedStatement logStatement(Connection connection) throws SQLException {
        return connection.prepareStatement("INSERT INTO pending_operations (collection_id, operation, row_id, "
                + "vector, applied) VALUES (?, ?, ?, ?, 0)");
    }

    private PendingOperation logOperation(Connection connection, PreparedStatement log, boolean upsert, long rowId,
                                          float[] vector) throws SQLException {
        log.setLong(1, id);
        log.setString(2, upsert ? PendingOperation.UPSERT : PendingOperation.DELETE);
        log.setLong(3, rowId);
        log.setBytes(4, vector == null ? null : RecordsTable.encodeVector(vector));
        log.executeUpdate();
        return new PendingOperation(lastInsertRowId(connection), upsert, rowId, vector);
    }

    private static long lastInsertRowId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT last_insert_rowid()")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /**
     * Applies operations to the engine, idempotently: each touched key is brought to its last logged state. A key
     * whose last operation is a delete is removed; a key whose last operation is an upsert is added unless the
     * engine already holds it with that very vector (as a loaded index does for operations it saved). A row id is
     * upserted once and deleted at most once, so a removed key is never added back: re-adding removed keys is what
     * leaves unreachable nodes in HNSW graphs (see {@code everyLiveKeyStaysReachableUnderRemoveAndReAddChurn}).
     */
    private void apply(List<PendingOperation> operations) {
        if (operations.isEmpty()) {
            return;
        }
        Map<Long, PendingOperation> last = new LinkedHashMap<>();
        for (PendingOperation operation : operations) {
            last.remove(operation.rowId());
            last.put(operation.rowId(), operation);
        }
        Map<Long, float[]> held = engine.getVectors(last.keySet().stream().mapToLong(Long::longValue).toArray());
        List<Long> removals = new ArrayList<>();
        List<PendingOperation> adds = new ArrayList<>();
        for (PendingOperation operation : last.values()) {
            float[] current = held.get(operation.rowId());
            if (operation.upsert() && current != null && java.util.Arrays.equals(current, operation.vector())) {
                continue;
            }
            if (current != null) {
                removals.add(operation.rowId());
            }
            if (operation.upsert()) {
                adds.add(operation);
            }
        }
        engine.remove(removals.stream().mapToLong(Long::longValue).toArray());
        long[] keys = new long[adds.size()];
        float[][] vectors = new float[adds.size()][];
        for (int i = 0; i < adds.size(); i++) {
            keys[i] = adds.get(i).rowId();
            vectors[i] = adds.get(i).vector();
        }
        engine.add(keys, vectors);
    }

    private void markApplied(List<PendingOperation> operations) throws SQLException {
        long first = operations.get(0).id();
        long lastId = operations.get(operations.size() - 1).id();
        database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE pending_operations SET applied = 1 "
                    + "WHERE collection_id = ? AND id BETWEEN ? AND ?")) {
                update.setLong(1, id);
                update.setLong(2, first);
                update.setLong(3, lastId);
                return update.executeUpdate();
            }
        });
        appliedSinceSave += operations.size();
        lastAppliedOperation = Math.max(lastAppliedOperation, lastId);
    }

    private List<PendingOperation> readPendingOperations(Connection connection) throws SQLException {
        List<PendingOperation> pending = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT id, operation, row_id, vector "
                + "FROM pending_operations WHERE collection_id = ? ORDER BY id")) {
            select.setLong(1, id);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    boolean upsert = PendingOperation.UPSERT.equals(rows.getString(2));
                    byte[] vector = rows.getBytes(4);
                    pending.add(new PendingOperation(rows.getLong(1), upsert, rows.getLong(3),
                            upsert ? RecordsTable.decodeVector(vector) : null));
                }
            }
        }
        return pending;
    }

    /**
     * Saves the index now (atomic protocol), then commits: deletes the applied operations and sets
     * {@code index_saved}.
     *
     * @throws IOException (an {@link io.indexgate.persist.IndexSaveException} naming the file and step) if the save
     *                     failed; nothing was committed and the previous index file is intact
     */
    public void saveIndex() throws IOException {
        mutationLock.lock();
        try {
            ensureWritable("save");
            saveLocked();
        } finally {
            mutationLock.unlock();
        }
    }

    private void saveLocked() throws IOException {
        engine.save(indexPath);
        try {
            commitSave(lastAppliedOperation);
        } catch (SQLException e) {
            throw new IOException("index " + indexPath + " was written but committing the save of collection "
                    + namespace + "/" + name + " failed; the pending log still covers it", e);
        }
        appliedSinceSave = 0;
        indexSaved = true;
        lastSaveFailure = null;
    }

    /** Step 7 of the protocol: only after the index file is durable, forget the operations it holds. */
    private void commitSave(long appliedUpTo) throws SQLException {
        database.write(connection -> {
            try (PreparedStatement forget = connection.prepareStatement("DELETE FROM pending_operations "
                    + "WHERE collection_id = ? AND applied = 1 AND id <= ?");
                 PreparedStatement saved = connection.prepareStatement(
                         "UPDATE collections SET index_saved = 1 WHERE id = ?")) {
                forget.setLong(1, id);
                forget.setLong(2, appliedUpTo);
                forget.executeUpdate();
                saved.setLong(1, id);
                return saved.executeUpdate();
            }
        });
    }

    /**
     * Finds the nearest records to each query vector.
     *
     * @return per query vector, its matches best first
     * @throws IllegalArgumentException if a query vector is invalid or the filter names a property that is not
     *                                  indexed or compares it with a value of another type
     */
    public List<List<QueryMatch>> query(VectorQuery query) {
        ensureOpen();
        for (int i = 0; i < query.vectors().length; i++) {
            VectorMath.validate(query.vectors()[i], config.dimensions(), config.metric(), "query vector " + i);
        }
        try {
            AllowedKeys allowed = query.filter() == null ? null : database.read(c -> allowedKeys(c, query.filter()));
            List<List<SearchMatch>> found = engine.search(query.vectors(), query.limit(), allowed);
            Set<Long> keys = new HashSet<>();
            List<List<SearchMatch>> kept = new ArrayList<>(found.size());
            for (List<SearchMatch> matches : found) {
                List<SearchMatch> passing = matches.stream().filter(m -> passes(m.score(), query)).toList();
                passing.forEach(m -> keys.add(m.key()));
                kept.add(passing);
            }
            Map<Long, StoredRow> rows = database.read(c -> rowsById(c, keys, query.returnVector(),
                    query.returnProperties()));
            List<List<QueryMatch>> results = new ArrayList<>(kept.size());
            for (List<SearchMatch> matches : kept) {
                List<QueryMatch> result = new ArrayList<>(matches.size());
                for (SearchMatch match : matches) {
                    StoredRow row = rows.get(match.key());
                    if (row != null) {
                        result.add(new QueryMatch(row.uuid(), match.score(), row.vector(), row.properties()));
                    }
                }
                results.add(result);
            }
            return results;
        } catch (SQLException e) {
            throw new VectorStoreException("query on collection " + namespace + "/" + name + " failed", e);
        }
    }

    private boolean passes(float score, VectorQuery query) {
        Float threshold = query.similarityThreshold();
        if (threshold == null) {
            return true;
        }
        return config.metric().higherIsBetter() ? score >= threshold : score <= threshold;
    }

    private AllowedKeys allowedKeys(Connection connection, PropertyFilter filter) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String where = PropertyFilter.toSql(filter, config.indexedProperties(), parameters);
        List<Long> keys = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT row_id FROM " + table
                + " WHERE " + where)) {
            for (int i = 0; i < parameters.size(); i++) {
                select.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getLong(1));
                }
            }
        }
        return AllowedKeys.of(keys.stream().mapToLong(Long::longValue).toArray());
    }

    private record StoredRow(long rowId, UUID uuid, float[] vector, Map<String, Object> properties) {
    }

    private Map<Long, StoredRow> rowsById(Connection connection, Collection<Long> rowIds, boolean withVector,
                                          boolean withProperties) throws SQLException {
        Map<Long, StoredRow> rows = new HashMap<>();
        List<Long> ids = new ArrayList<>(rowIds);
        for (int from = 0; from < ids.size(); from += SQL_BATCH) {
            List<Long> batch = ids.subList(from, Math.min(ids.size(), from + SQL_BATCH));
            String sql = "SELECT row_id, uuid, vector, properties FROM " + table + " WHERE row_id IN ("
                    + "?, ".repeat(batch.size() - 1) + "?)";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                for (int i = 0; i < batch.size(); i++) {
                    select.setLong(i + 1, batch.get(i));
                }
                try (ResultSet result = select.executeQuery()) {
                    while (result.next()) {
                        StoredRow row = storedRow(result, withVector, withProperties);
                        rows.put(row.rowId(), row);
                    }
                }
            }
        }
        return rows;
    }

    private static StoredRow storedRow(ResultSet result, boolean withVector, boolean withProperties)
            throws SQLException {
        return new StoredRow(result.getLong(1), UUID.fromString(result.getString(2)),
                withVector ? RecordsTable.decodeVector(result.getBytes(3)) : null,
                withProperties ? PropertyCodec.fromJson(result.getString(4)) : null);
    }

    /**
     * The records with the given UUIDs, in the order asked, each once; missing UUIDs are left out.
     *
     * @throws VectorStoreException if the database fails
     */
    public List<VectorRecord> get(Collection<UUID> uuids) {
        ensureOpen();
        List<UUID> distinct = List.copyOf(new java.util.LinkedHashSet<>(uuids));
        try {
            Map<UUID, VectorRecord> found = database.read(connection -> {
                Map<UUID, VectorRecord> records = new HashMap<>();
                for (int from = 0; from < distinct.size(); from += SQL_BATCH) {
                    List<UUID> batch = distinct.subList(from, Math.min(distinct.size(), from + SQL_BATCH));
                    String sql = "SELECT row_id, uuid, vector, properties FROM " + table + " WHERE uuid IN ("
                            + "?, ".repeat(batch.size() - 1) + "?)";
                    try (PreparedStatement select = connection.prepareStatement(sql)) {
                        for (int i = 0; i < batch.size(); i++) {
                            select.setString(i + 1, batch.get(i).toString());
                        }
                        try (ResultSet result = select.executeQuery()) {
                            while (result.next()) {
                                StoredRow row = storedRow(result, true, true);
                                records.put(row.uuid(), new VectorRecord(row.uuid(), row.vector(), row.properties()));
                            }
                        }
                    }
                }
                return records;
            });
            return distinct.stream().filter(found::containsKey).map(found::get).toList();
        } catch (SQLException e) {
            throw new VectorStoreException("get on collection " + namespace + "/" + name + " failed", e);
        }
    }

    /**
     * Every record, in row order, with the engine key it is stored under. For the harness's checks and for
     * {@code inspect}; reads the whole table.
     */
    public List<StoredRecord> allRecords() {
        ensureOpen();
        try {
            return database.read(connection -> {
                List<StoredRecord> records = new ArrayList<>();
                try (Statement select = connection.createStatement();
                     ResultSet result = select.executeQuery("SELECT row_id, uuid, vector, properties FROM " + table
                             + " ORDER BY row_id")) {
                    while (result.next()) {
                        StoredRow row = storedRow(result, true, true);
                        records.add(new StoredRecord(row.rowId(),
                                new VectorRecord(row.uuid(), row.vector(), row.properties())));
                    }
                }
                return records;
            });
        } catch (SQLException e) {
            throw new VectorStoreException("reading the records of collection " + namespace + "/" + name
                    + " failed", e);
        }
    }

    /**
     * Compares the engine with the records in SQLite: every record's key is in the engine with the record's vector,
     * the engine holds no key without a record, and a nearest-neighbour query (k = {@value #REACHABILITY_K}) with
     * each record's own vector finds it. Reads the whole table and searches once per record: for inspection and the
     * harness's checks, not for a hot path. Mutations wait while it runs.
     *
     * @throws VectorStoreException if the database fails
     */
    public ConsistencyReport checkConsistency() {
        mutationLock.lock();
        try {
            List<StoredRecord> records = allRecords();
            long[] rowIds = records.stream().mapToLong(StoredRecord::rowId).toArray();
            Map<Long, float[]> held = engine.getVectors(rowIds);
            List<UUID> missing = new ArrayList<>();
            List<UUID> differ = new ArrayList<>();
            List<StoredRecord> searchable = new ArrayList<>();
            for (StoredRecord stored : records) {
                float[] vector = held.get(stored.rowId());
                if (vector == null) {
                    missing.add(stored.record().uuid());
                } else if (!java.util.Arrays.equals(vector, stored.record().vector())) {
                    differ.add(stored.record().uuid());
                } else {
                    searchable.add(stored);
                }
            }
            Set<Long> known = new HashSet<>();
            for (long rowId : rowIds) {
                known.add(rowId);
            }
            List<Long> extra = new ArrayList<>();
            for (long key : engine.keys()) {
                if (!known.contains(key)) {
                    extra.add(key);
                }
            }
            List<UUID> unreachable = new ArrayList<>();
            for (int from = 0; from < searchable.size(); from += SQL_BATCH) {
                List<StoredRecord> batch = searchable.subList(from, Math.min(searchable.size(), from + SQL_BATCH));
                float[][] vectors = batch.stream().map(stored -> stored.record().vector()).toArray(float[][]::new);
                List<List<SearchMatch>> found = engine.search(vectors, REACHABILITY_K, null);
                for (int i = 0; i < batch.size(); i++) {
                    long rowId = batch.get(i).rowId();
                    if (found.get(i).stream().noneMatch(match -> match.key() == rowId)) {
                        unreachable.add(batch.get(i).record().uuid());
                    }
                }
            }
            return new ConsistencyReport(records.size(), engine.size(), missing, extra, differ, unreachable);
        } finally {
            mutationLock.unlock();
        }
    }

    /** The engine that serves this collection's searches; for consistency checks and benchmarks. */
    public VectorSearchEngine engine() {
        return engine;
    }

    /** The collection's state now. */
    public CollectionStatus status() {
        ensureOpen();
        try {
            long[] counts = database.read(connection -> {
                try (Statement count = connection.createStatement();
                     ResultSet records = count.executeQuery("SELECT count(*) FROM " + table)) {
                    records.next();
                    long recordCount = records.getLong(1);
                    try (ResultSet pending = count.executeQuery(
                            "SELECT count(*) FROM pending_operations WHERE collection_id = " + id)) {
                        pending.next();
                        return new long[] {recordCount, pending.getLong(1)};
                    }
                }
            });
            return new CollectionStatus(namespace, name, config, counts[0], counts[1], indexSaved, engine.size(),
                    indexPath, lastSaveFailure);
        } catch (SQLException e) {
            throw new VectorStoreException("reading the status of collection " + namespace + "/" + name
                    + " failed", e);
        }
    }

    long id() {
        return id;
    }

    ReentrantLock mutationLock() {
        return mutationLock;
    }

    boolean needsSaveAtShutdown() throws SQLException {
        return !indexSaved || database.read(connection -> {
            try (Statement count = connection.createStatement();
                 ResultSet pending = count.executeQuery(
                         "SELECT count(*) FROM pending_operations WHERE collection_id = " + id)) {
                pending.next();
                return pending.getLong(1) > 0;
            }
        });
    }

    /** Saves if anything is unsaved; called by the store's clean shutdown with the mutation lock held. */
    void saveForShutdownLocked() throws IOException, SQLException {
        if (closedReason == null && !readOnly && needsSaveAtShutdown()) {
            saveLocked();
        }
    }

    /** Marks the collection unusable and releases its engine; called with the mutation lock held. */
    void closeLocked(String reason) {
        if (closedReason == null) {
            closedReason = reason;
            engine.close();
        }
    }

    private void ensureOpen() {
        String reason = closedReason;
        if (reason != null) {
            throw new VectorStoreException("collection " + namespace + "/" + name + " is " + reason);
        }
    }

    private void ensureWritable(String operation) {
        ensureOpen();
        if (readOnly) {
            throw new VectorStoreException("cannot " + operation + ": collection " + namespace + "/" + name
                    + " is open read-only");
        }
    }
}
