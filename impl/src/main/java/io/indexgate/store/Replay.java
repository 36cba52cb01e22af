package io.indexgate.store;

import io.indexgate.engine.VectorSearchEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies logged operations to an engine, idempotently: a function of the operations and the engine's current state,
 * used both for fresh mutations and for the replay of the whole pending log at recovery. Each touched key is brought
 * to its last logged state: a key whose last operation is a delete is removed; a key whose last operation is an
 * upsert is added unless the engine already holds it with that very vector (as a loaded index does for operations it
 * saved). A row id is upserted once and deleted at most once, so a removed key is never added back: re-adding removed
 * keys is what leaves unreachable nodes in HNSW graphs (see
 * {@code everyLiveKeyStaysReachableUnderRemoveAndReAddChurn}). Stateless; the caller serializes applications to one
 * engine.
 */
final class Replay {

    private Replay() {
    }

    /** Brings every key that {@code operations} (in log order) touch to its last logged state in {@code engine}. */
    @io.indexgate.persist.FaultPoint("an engine that fails to apply a committed change")
    static void apply(List<PendingOperation> operations, VectorSearchEngine engine) {
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
            if (operation.upsert() && current != null && Arrays.equals(current, operation.vector())) {
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
}
