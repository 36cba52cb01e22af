package io.indexgate.store;

import io.indexgate.engine.SearchMatch;
import io.indexgate.engine.VectorSearchEngine;
import java.util.List;
import java.util.Map;

/**
 * A read-only look inside one collection, for tools that check the store rather than use it: the fault-injection
 * harness (its recovery reports and probes), {@code inspect}, and benchmarks that compare the store with its bare
 * engine. It shows both sides the store keeps in step, SQLite's records and the engine's contents, and never changes
 * either. Obtained from {@link VectorCollection#inspect()}; valid while the collection is open; safe for concurrent
 * use, like the collection (each call reads the state of that moment).
 */
public final class CollectionInspection {

    private final VectorCollection collection;
    private final VectorSearchEngine engine;

    CollectionInspection(VectorCollection collection, VectorSearchEngine engine) {
        this.collection = collection;
        this.engine = engine;
    }

    /** Every record in SQLite, in row order, with the engine key it is stored under; reads the whole table. */
    public List<StoredRecord> records() {
        return collection.allRecords();
    }

    /** The keys the engine holds, ascending. */
    public long[] engineKeys() {
        return engine.keys();
    }

    /** The engine's vectors of {@code keys} (absent keys are left out). */
    public Map<Long, float[]> engineVectors(long[] keys) {
        return engine.getVectors(keys);
    }

    /** How many vectors the engine holds. */
    public long engineSize() {
        return engine.size();
    }

    /** The bare engine's nearest neighbours of each query (engine keys and scores; no SQLite, no filter). */
    public List<List<SearchMatch>> engineSearch(float[][] queries, int limit) {
        return engine.search(queries, limit, null);
    }

    /** The engine compared with SQLite: see {@link VectorCollection#checkConsistency()}. */
    public ConsistencyReport consistency() {
        return collection.checkConsistency();
    }
}
