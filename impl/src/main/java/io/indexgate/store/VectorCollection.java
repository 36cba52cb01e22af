package io.indexgate.store;

import io.indexgate.engine.AllowedKeys;
import io.indexgate.engine.SearchMatch;
import io.indexgate.engine.VectorMath;
import io.indexgate.engine.VectorSearchEngine;
import io.indexgate.persist.StaleTemps;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.roaringbitmap.RoaringBitmap;

/**
 * One collection of a {@link SQLiteVectorStore}: records in SQLite, their vectors in an engine, the engine's index in
 * one file. This class is the public face and the query pipeline; the SQL lives in {@link RecordsTable} and
 * {@link PendingLog}, the idempotent application of logged operations in {@link Replay}, the comparison of engine
 * and records in {@link ConsistencyCheck}.
 *
 * <p><b>Durability.</b> An upsert or delete writes the records table and the pending-operation log in one SQLite
 * transaction (committed with {@code synchronous=FULL}: once the call returns, the change is durable), then applies
 * the operations to the engine and marks them applied. When the applied count reaches the store's save threshold,
 * the index is saved with the atomic protocol and only then, in one transaction, the operations the saved engine holds
 * are deleted and {@code index_saved} set. An engine update or a mark that fails after the commit does not fail the
 * mutation either: a failed engine is replayed from the log before the next mutation or save. A failed automatic
 * save does not fail the upsert (its change is already durable): it is logged, reported by {@link #status()}, and
 * retried by the next mutation; {@link #saveIndex()} throws instead.
 *
 * <p><b>Filters</b> are answered from an in-memory index of the indexed properties ({@link PropertyIndex}), built
 * from SQLite when the collection opens and changed by each write only once its transaction has committed; where that
 * index cannot answer exactly, SQLite does. A collection without indexed properties keeps no such index. A filter
 * that many records pass is applied to an oversampled search's candidates, one that few pass inside the engine's
 * search (see {@link #query}); either way each query vector gets as many matches as the engine's filtered search
 * gives.
 *
 * <p><b>Thread safety.</b> Safe for concurrent use. Mutations and saves of one collection are serialized by a lock;
 * queries and gets run concurrently with them and with each other, and see the last committed state.
 */
public final class VectorCollection {

    private static final System.Logger LOG = System.getLogger(VectorCollection.class.getName());
    /** A filter at least one record in this many passes is applied after the search (see filteredSearch). */
    static final int POST_FILTER_MIN_SELECTIVITY = 20;
    /** How many times the expected number of candidates a post-filtered search asks for. */
    static final int POST_FILTER_OVERSAMPLING = 2;

    private final Database database;
    private final String namespace;
    private final String name;
    private final CollectionConfig config;
    private final Path indexPath;
    private final RecordsTable records;
    private final PendingLog pendingLog;
    /** The filters' index of the indexed properties; null for a collection without indexed properties. */
    private final PropertyIndex propertyIndex;
    private final VectorSearchEngine engine;
    private final int saveThreshold;
    private final boolean readOnly;
    private final ReentrantLock mutationLock = new ReentrantLock();

    private int appliedSinceSave;
    /**
     * The engine holds every log row up to this id (its own state, whatever the rows' applied flags say): what a save
     * of the engine makes durable, so what its commit may forget.
     */
    private long lastAppliedOperation;
    /** An engine update failed after its change was committed: the engine is behind the log until it is replayed. */
    private boolean engineBehind;
    private volatile boolean indexSaved;
    private volatile String lastSaveFailure;
    private volatile String closedReason;

    private VectorCollection(Database database, long id, String namespace, String name, CollectionConfig config,
                             Path indexPath, VectorSearchEngine engine, int saveThreshold, boolean indexSaved,
                             boolean readOnly) {
        this.database = database;
        this.namespace = namespace;
        this.name = name;
        this.config = config;
        this.indexPath = indexPath;
        this.records = new RecordsTable(database, id, config);
        this.pendingLog = new PendingLog(database, id);
        this.propertyIndex = config.indexedProperties().isEmpty() ? null : new PropertyIndex(config);
        this.engine = engine;
        this.saveThreshold = saveThreshold;
        this.indexSaved = indexSaved;
        this.readOnly = readOnly;
    }

    /**
     * Opens a collection: clears stale temps of its index, loads the index if one was saved, then replays the whole
     * pending-operation log (idempotently, see {@link Replay}) and marks it applied; then builds the index of the
     * indexed properties from the records table. Read-only, it leaves the temps and the log as they are and replays
     * into the engine only.
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
            collection.loadPropertyIndex();
            return collection;
        } catch (SQLException | RuntimeException | Error e) {
            engine.close();
            throw e;
        }
    }

    @io.indexgate.persist.FaultPoint("the caller that rules name for a halt during replay")
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
        List<PendingOperation> pending = replayWholeLog();
        if (!pending.isEmpty() && !readOnly) {
            markApplied(pending);
        }
    }

    private void loadPropertyIndex() throws SQLException {
        if (propertyIndex != null) {
            database.readInOneTransaction(connection -> {
                records.loadIndexed(connection, propertyIndex);
                return null;
            });
        }
    }

    /**
     * Replays the whole pending log into the engine (idempotently, see {@link Replay}) and counts it applied: at
     * recovery, and for an engine that fell behind the log.
     *
     * @return the log that was replayed
     */
    private List<PendingOperation> replayWholeLog() throws SQLException {
        List<PendingOperation> pending = pendingLog.readAll();
        Replay.apply(pending, engine);
        engineBehind = false;
        applied(pending);
        return pending;
    }

    /** Counts operations the engine now holds: toward the save threshold, and as what a save may forget. */
    private void applied(List<PendingOperation> operations) {
        if (!operations.isEmpty()) {
            appliedSinceSave += operations.size();
            lastAppliedOperation = Math.max(lastAppliedOperation, operations.get(operations.size() - 1).id());
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
    public void upsert(List<VectorRecord> upserted) {
        if (upserted.isEmpty()) {
            return;
        }
        List<Map<String, Object>> properties = new ArrayList<>(upserted.size());
        Set<UUID> seen = new HashSet<>();
        for (VectorRecord record : upserted) {
            if (!seen.add(record.uuid())) {
                throw new IllegalArgumentException("record " + record.uuid() + " appears twice in one upsert to "
                        + namespace + "/" + name);
            }
            VectorMath.validate(record.vector(), config.dimensions(), config.metric(),
                    "vector of record " + record.uuid());
            properties.add(PropertyCodec.normalize(record.properties(), config, record.uuid().toString()));
        }
        mutate("upsert", (rows, log) -> {
            List<PendingOperation> logged = new ArrayList<>();
            for (int i = 0; i < upserted.size(); i++) {
                VectorRecord record = upserted.get(i);
                Long replaced = rows.remove(record.uuid());
                if (replaced != null) {
                    logged.add(log.delete(replaced));
                }
                logged.add(log.upsert(rows.insert(record, properties.get(i)), record.vector()));
            }
            return logged;
        });
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
        List<UUID> distinct = List.copyOf(new LinkedHashSet<>(uuids));
        mutate("delete", (rows, log) -> {
            List<PendingOperation> logged = new ArrayList<>();
            for (UUID uuid : distinct) {
                Long removed = rows.remove(uuid);
                if (removed != null) {
                    logged.add(log.delete(removed));
                }
            }
            return logged;
        });
    }

    /** A change of the records table, logged as it is made; both run in one write transaction. */
    @FunctionalInterface
    private interface LoggedChange {
        List<PendingOperation> run(RecordsTable.Writer rows, PendingLog.Appender log) throws SQLException;
    }

    private void mutate(String operation, LoggedChange change) {
        mutationLock.lock();
        try {
            ensureWritable(operation);
            catchUp();
            PropertyIndex.Changes changes = propertyIndex == null ? null : new PropertyIndex.Changes();
            List<PendingOperation> logged = database.write(connection -> {
                try (RecordsTable.Writer rows = records.writer(connection, changes);
                     PendingLog.Appender log = pendingLog.appender(connection)) {
                    return change.run(rows, log);
                }
            });
            // The change is durable from here on: nothing below may report it as failed.
            applyToPropertyIndex(changes);
            applyDurable(logged);
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

    /**
     * Applies a committed transaction's changes to the index of the indexed properties. An index that fails to (a
     * bug, or no memory) stops answering, and SQLite answers the filters until the collection is reopened.
     */
    private void applyToPropertyIndex(PropertyIndex.Changes changes) {
        if (changes == null) {
            return;
        }
        try {
            propertyIndex.apply(changes);
        } catch (RuntimeException e) {
            propertyIndex.invalidate("applying a committed change failed: " + e);
            LOG.log(Level.WARNING, "the property index of collection " + namespace + "/" + name + " failed to apply "
                    + "a committed change; SQLite answers its filters until it is reopened", e);
        }
    }

    /**
     * Applies committed operations to the engine and marks them applied. Neither step fails the caller, whose change
     * is durable: an engine that fails is replayed from the log before the next mutation or save
     * ({@link #catchUp()}), and a failed mark (an I/O error in SQLite) is only a flag the next recovery sets again;
     * the save commit goes by what the engine holds ({@link #lastAppliedOperation}), not by the flags. (It went by
     * the flags until the crash points below the JVM showed that an operation whose mark failed outlived the save
     * that held it, and its replay later brought back a record deleted since.)
     */
    private void applyDurable(List<PendingOperation> logged) {
        if (logged.isEmpty()) {
            return;
        }
        try {
            Replay.apply(logged, engine);
        } catch (RuntimeException e) {
            engineBehind = true;
            LOG.log(Level.WARNING, "the engine of collection " + namespace + "/" + name + " failed to apply a "
                    + "committed change; it is replayed from the pending log before the next mutation or save", e);
            return;
        }
        applied(logged);
        markAppliedIfPossible(logged);
    }

    /** Marks operations the engine holds applied; a failure is logged only (the flags are not what a save trusts). */
    private void markAppliedIfPossible(List<PendingOperation> operations) {
        if (operations.isEmpty()) {
            return;
        }
        try {
            markApplied(operations);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "marking operations of collection " + namespace + "/" + name + " applied failed; "
                    + "the change is durable and in the engine", e);
        }
    }

    /** Replays the whole pending log into an engine that fell behind it. */
    private void catchUp() throws SQLException {
        if (engineBehind) {
            markAppliedIfPossible(replayWholeLog());
        }
    }

    @io.indexgate.persist.FaultPoint("a halt after the engine applied the log and before it is marked applied")
    private void markApplied(List<PendingOperation> operations) throws SQLException {
        pendingLog.markApplied(operations);
    }

    /**
     * Saves the index now (atomic protocol), then commits: deletes the operations the saved engine holds and sets
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
        try {
            catchUp();
        } catch (SQLException | RuntimeException e) {
            throw new IOException("the engine of collection " + namespace + "/" + name + " is behind its pending log "
                    + "and replaying it failed, so its index was not saved", e);
        }
        engine.save(indexPath);
        try {
            pendingLog.commitSave(lastAppliedOperation);
        } catch (SQLException e) {
            throw new IOException("index " + indexPath + " was written but committing the save of collection "
                    + namespace + "/" + name + " failed; the pending log still covers it", e);
        }
        appliedSinceSave = 0;
        indexSaved = true;
        lastSaveFailure = null;
    }

    /**
     * Finds the nearest records to each query vector: the filter (if any) becomes the set of allowed keys (from the
     * index of the indexed properties, or SQLite where it cannot answer), the engine searches, the similarity threshold
     * drops matches, and one batched lookup in the records table supplies UUIDs and the requested fields (a field not
     * asked for is not read). A match whose record was deleted meanwhile is left out.
     *
     * @return per query vector, its matches best first
     * @throws IllegalArgumentException if a query vector is invalid or the filter names a property that is not
     *                                  indexed or compares it with a value of another type
     * @throws VectorStoreException     if the database fails
     */
    public List<List<QueryMatch>> query(VectorQuery query) {
        ensureOpen();
        for (int i = 0; i < query.vectors().length; i++) {
            VectorMath.validate(query.vectors()[i], config.dimensions(), config.metric(), "query vector " + i);
        }
        try {
            List<List<SearchMatch>> found = search(query);
            Set<Long> keys = new HashSet<>();
            List<List<SearchMatch>> kept = new ArrayList<>(found.size());
            for (List<SearchMatch> matches : found) {
                List<SearchMatch> passing = new ArrayList<>(matches.size());
                for (SearchMatch match : matches) {
                    if (passes(match.score(), query)) {
                        passing.add(match);
                        keys.add(match.key());
                    }
                }
                kept.add(passing);
            }
            Map<Long, RecordsTable.Row> rows = new HashMap<>();
            if (!keys.isEmpty()) {
                long[] rowIds = keys.stream().mapToLong(Long::longValue).toArray();
                for (RecordsTable.Row row : database.read(connection -> records.byRowIds(connection, rowIds,
                        query.returnVector(), query.returnProperties()))) {
                    rows.put(row.rowId(), row);
                }
            }
            List<List<QueryMatch>> results = new ArrayList<>(kept.size());
            for (List<SearchMatch> matches : kept) {
                List<QueryMatch> result = new ArrayList<>(matches.size());
                for (SearchMatch match : matches) {
                    RecordsTable.Row row = rows.get(match.key());
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

    /** The engine's matches of each query vector, within the filter if there is one. */
    private List<List<SearchMatch>> search(VectorQuery query) throws SQLException {
        if (query.filter() == null) {
            return engine.search(query.vectors(), query.limit(), null);
        }
        Optional<RoaringBitmap> indexed = propertyIndex == null ? Optional.empty()
                : propertyIndex.matching(query.filter());
        if (indexed.isPresent()) {
            return filteredSearch(query, indexed.get());
        }
        long[] rowIds = database.read(connection -> records.rowIdsMatching(connection, query.filter()));
        return engine.search(query.vectors(), query.limit(), AllowedKeys.of(rowIds));
    }

    /**
     * A filtered search planned on how many records pass the filter (the bitmap's count, known for free). A filter
     * that few pass goes into the engine's search ({@link AllowedKeys}: the engines score few keys exactly, and steer
     * their graph walk by the keys otherwise, at a cost that grows with the number of keys). A filter that at least
     * one record in {@value #POST_FILTER_MIN_SELECTIVITY} passes is applied after an unfiltered search for
     * {@value #POST_FILTER_OVERSAMPLING} times the expected number of candidates needed ({@code limit} times the
     * inverse of the share that passes), by the bitmap's membership test; a query vector whose candidates hold fewer
     * than {@code limit} passing records is searched again with the filter in the engine, so every query vector still
     * gets {@code min(limit, passing records present)} matches, as the engine's own filtered search gives.
     */
    private List<List<SearchMatch>> filteredSearch(VectorQuery query, RoaringBitmap passing) {
        int limit = query.limit();
        float[][] vectors = query.vectors();
        long passingCount = passing.getLongCardinality();
        long size = engine.size();
        List<List<SearchMatch>> found = new ArrayList<>(Collections.nCopies(vectors.length, null));
        if (passingCount >= limit && passingCount * POST_FILTER_MIN_SELECTIVITY >= size) {
            long expected = Math.max(limit, (long) Math.ceil((double) limit * size / passingCount));
            int candidates = (int) Math.min(Integer.MAX_VALUE, POST_FILTER_OVERSAMPLING * expected);
            List<List<SearchMatch>> broad = engine.search(vectors, candidates, null);
            for (int i = 0; i < vectors.length; i++) {
                List<SearchMatch> kept = new ArrayList<>(limit);
                for (SearchMatch match : broad.get(i)) {
                    if (PropertyIndex.contains(passing, match.key())) {
                        kept.add(match);
                        if (kept.size() == limit) {
                            found.set(i, kept);
                            break;
                        }
                    }
                }
            }
        }
        List<Integer> unanswered = new ArrayList<>();
        for (int i = 0; i < vectors.length; i++) {
            if (found.get(i) == null) {
                unanswered.add(i);
            }
        }
        if (!unanswered.isEmpty()) {
            float[][] remaining = unanswered.stream().map(i -> vectors[i]).toArray(float[][]::new);
            List<List<SearchMatch>> filtered = engine.search(remaining, limit,
                    AllowedKeys.of(PropertyIndex.toRowIds(passing)));
            for (int j = 0; j < unanswered.size(); j++) {
                found.set(unanswered.get(j), filtered.get(j));
            }
        }
        return found;
    }

    private boolean passes(float score, VectorQuery query) {
        Float threshold = query.similarityThreshold();
        if (threshold == null) {
            return true;
        }
        return config.metric().higherIsBetter() ? score >= threshold : score <= threshold;
    }

    /**
     * The records with the given UUIDs, in the order asked, each once, with vector and properties; missing UUIDs are
     * left out. The same as {@code get(uuids, true, true)} with each result as a {@link VectorRecord}.
     *
     * @throws VectorStoreException if the database fails
     */
    public List<VectorRecord> get(Collection<UUID> uuids) {
        return fetch(uuids, true, true).stream().map(RecordsTable.Row::toRecord).toList();
    }

    /**
     * The records with the given UUIDs, in the order asked, each once; missing UUIDs are left out. Like
     * {@link VectorQuery}'s switches, {@code returnVector} and {@code returnProperties} say which fields are read:
     * a field not asked for is null in the result (and not read from the database).
     *
     * @throws VectorStoreException if the database fails
     */
    public List<RetrievedRecord> get(Collection<UUID> uuids, boolean returnVector, boolean returnProperties) {
        return fetch(uuids, returnVector, returnProperties).stream()
                .map(row -> new RetrievedRecord(row.uuid(), row.vector(), row.properties())).toList();
    }

    private List<RecordsTable.Row> fetch(Collection<UUID> uuids, boolean withVector, boolean withProperties) {
        ensureOpen();
        List<UUID> distinct = List.copyOf(new LinkedHashSet<>(uuids));
        try {
            Map<UUID, RecordsTable.Row> found = new HashMap<>();
            for (RecordsTable.Row row : database.read(connection -> records.byUuids(connection, distinct,
                    withVector, withProperties))) {
                found.put(row.uuid(), row);
            }
            return distinct.stream().filter(found::containsKey).map(found::get).toList();
        } catch (SQLException e) {
            throw new VectorStoreException("get on collection " + namespace + "/" + name + " failed", e);
        }
    }

    /** Every record, in row order, with the engine key it is stored under; reads the whole table. */
    List<StoredRecord> allRecords() {
        ensureOpen();
        try {
            return database.read(records::all).stream()
                    .map(row -> new StoredRecord(row.rowId(), row.toRecord())).toList();
        } catch (SQLException e) {
            throw new VectorStoreException("reading the records of collection " + namespace + "/" + name
                    + " failed", e);
        }
    }

    /**
     * Compares the engine with the records in SQLite: every record's key is in the engine with the record's vector,
     * the engine holds no key without a record, and a nearest-neighbour query (k =
     * {@value ConsistencyReport#REACHABILITY_K}) with each record's own vector finds it. Reads the whole table and
     * searches once per record: for inspection and the harness's checks, not for a hot path. Mutations wait while it
     * runs.
     *
     * @throws VectorStoreException if the database fails
     */
    public ConsistencyReport checkConsistency() {
        mutationLock.lock();
        try {
            return ConsistencyCheck.compare(allRecords(), engine);
        } finally {
            mutationLock.unlock();
        }
    }

    /** The engine that serves this collection's searches (tests in this package reach into it). */
    VectorSearchEngine engine() {
        return engine;
    }

    /** The index of the indexed properties, if the collection has any (tests in this package reach into it). */
    Optional<PropertyIndex> propertyIndex() {
        return Optional.ofNullable(propertyIndex);
    }

    /**
     * A read-only look at both sides of this collection, SQLite's records and the engine's contents, for tools that
     * check the store (the harness, {@code inspect}, benchmarks); see {@link CollectionInspection}.
     */
    public CollectionInspection inspect() {
        ensureOpen();
        return new CollectionInspection(this, engine);
    }

    /** The collection's state now. */
    public CollectionStatus status() {
        ensureOpen();
        try {
            long[] counts = database.read(connection -> new long[] {records.count(connection),
                    pendingLog.count(connection)});
            return new CollectionStatus(namespace, name, config, counts[0], counts[1], indexSaved, engine.size(),
                    indexPath, lastSaveFailure);
        } catch (SQLException e) {
            throw new VectorStoreException("reading the status of collection " + namespace + "/" + name
                    + " failed", e);
        }
    }

    ReentrantLock mutationLock() {
        return mutationLock;
    }

    /** Saves if anything is unsaved; called by the store's clean shutdown with the mutation lock held. */
    void saveForShutdownLocked() throws IOException, SQLException {
        if (closedReason == null && !readOnly && (!indexSaved || pendingLog.count() > 0)) {
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
