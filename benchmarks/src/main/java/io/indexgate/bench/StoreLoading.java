package io.indexgate.bench;

import io.indexgate.store.VectorCollection;
import io.indexgate.store.VectorRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** Filling a collection for the store benchmarks. */
final class StoreLoading {

    private StoreLoading() {
    }

    /** Upserts {@code record(i)} for {@code i} in {@code [from, to)}, {@value Indexes#BUILD_BATCH} records a call. */
    static void upsert(VectorCollection collection, int from, int to, IntFunction<VectorRecord> record) {
        for (int start = from; start < to; start += Indexes.BUILD_BATCH) {
            List<VectorRecord> batch = new ArrayList<>();
            for (int i = start; i < Math.min(to, start + Indexes.BUILD_BATCH); i++) {
                batch.add(record.apply(i));
            }
            collection.upsert(batch);
        }
    }
}
