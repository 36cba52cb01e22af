package io.indexgate.store;

import io.indexgate.engine.SearchMatch;
import io.indexgate.engine.VectorSearchEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The comparison behind {@link VectorCollection#checkConsistency()}: what the harness's checker rules 3 and 4 and
 * {@code inspect} call consistent. A function of the records and the engine; the caller keeps both still while it
 * runs. Stateless.
 */
final class ConsistencyCheck {

    /** How many query vectors one engine search takes. */
    private static final int SEARCH_BATCH = 500;

    private ConsistencyCheck() {
    }

    /** Compares {@code engine} with {@code records} (every record of the collection, from SQLite). */
    static ConsistencyReport compare(List<StoredRecord> records, VectorSearchEngine engine) {
        long[] rowIds = records.stream().mapToLong(StoredRecord::rowId).toArray();
        Map<Long, float[]> held = engine.getVectors(rowIds);
        List<UUID> missing = new ArrayList<>();
        List<UUID> differ = new ArrayList<>();
        List<StoredRecord> searchable = new ArrayList<>();
        for (StoredRecord stored : records) {
            float[] vector = held.get(stored.rowId());
            if (vector == null) {
                missing.add(stored.record().uuid());
            } else if (!Arrays.equals(vector, stored.record().vector())) {
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
        return new ConsistencyReport(records.size(), engine.size(), missing, extra, differ,
                unreachable(searchable, engine));
    }

    /** The records that a query with their own vector does not find. */
    private static List<UUID> unreachable(List<StoredRecord> searchable, VectorSearchEngine engine) {
        List<UUID> unreachable = new ArrayList<>();
        for (int from = 0; from < searchable.size(); from += SEARCH_BATCH) {
            List<StoredRecord> batch = searchable.subList(from, Math.min(searchable.size(), from + SEARCH_BATCH));
            float[][] vectors = batch.stream().map(stored -> stored.record().vector()).toArray(float[][]::new);
            List<List<SearchMatch>> found = engine.search(vectors, ConsistencyReport.REACHABILITY_K, null);
            for (int i = 0; i < batch.size(); i++) {
                long rowId = batch.get(i).rowId();
                if (found.get(i).stream().noneMatch(match -> match.key() == rowId)) {
                    unreachable.add(batch.get(i).record().uuid());
                }
            }
        }
        return unreachable;
    }
}
