package io.indexgate.bench;

import io.indexgate.engine.SimilarityMetric;
import io.indexgate.store.CollectionConfig;
import io.indexgate.store.SQLiteVectorStore;
import io.indexgate.store.StoreOptions;
import io.indexgate.store.VectorCollection;
import io.indexgate.store.VectorRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Recovery after a crash: opening a store and a collection whose index was saved with {@code size} records and whose
 * pending-operation log then received {@code pending} more operations (nine in ten upserts of new records, one in
 * ten deletes of saved ones) that were never saved. The time covers opening SQLite, clearing stale temps, loading and
 * verifying the index, reading the log and replaying it. Each invocation starts from a fresh copy of the crashed
 * store (made outside the timing), because an open marks the log applied and a close saves.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 6)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx8g", "--add-modules", "jdk.incubator.vector"})
public class RecoveryBenchmark {

    static final String NAMESPACE = "bench";
    static final String COLLECTION = "docs";

    @Param({"hnswlib", "usearch"})
    public String engine;

    @Param({"0", "1000", "10000"})
    public int pending;

    @Param({"10000"})
    public int size;

    @Param({"128"})
    public int dims;

    private Path crashed;
    private Path work;
    private SQLiteVectorStore store;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        crashed = BenchFiles.cache("stores").resolve("crashed-" + Facts.indexKey(engine, size, dims) + "-p" + pending
                + "-s" + Dataset.SEED);
        if (!Files.isDirectory(crashed)) {
            buildCrashedStore();
        }
    }

    private void buildCrashedStore() throws IOException {
        Dataset data = Dataset.of(size + pending, dims);
        Path building = BenchFiles.scratch("crashing");
        Path snapshot = BenchFiles.scratch("crashed");
        SQLiteVectorStore doomed = SQLiteVectorStore.open(building,
                StoreOptions.defaults().withSaveThreshold(Integer.MAX_VALUE));
        try {
            VectorCollection collection = doomed.createCollection(NAMESPACE, COLLECTION,
                    CollectionConfig.of(dims, SimilarityMetric.COSINE, engine));
            StoreLoading.upsert(collection, 0, size, i -> VectorRecord.of(uuid(i), data.vectors()[i]));
            collection.saveIndex();
            List<UUID> deletes = new ArrayList<>();
            int deleted = pending / 10;
            for (int i = 0; i < deleted; i++) {
                deletes.add(uuid(i * (size / Math.max(1, deleted))));
            }
            for (int from = 0; from < deletes.size(); from += 500) {
                collection.delete(deletes.subList(from, Math.min(deletes.size(), from + 500)));
            }
            StoreLoading.upsert(collection, size, size + pending - deleted,
                    i -> VectorRecord.of(uuid(i), data.vectors()[i]));
            // The crash: the files as they are now, without the shutdown save.
            BenchFiles.copyTree(building, snapshot);
            Files.deleteIfExists(snapshot.resolve("store.db-shm"));
        } finally {
            doomed.close();
            BenchFiles.deleteTree(building);
        }
        BenchFiles.publish(snapshot, crashed);
    }

    static UUID uuid(int i) {
        return new UUID(0x1de8_9a7e_0000_0000L, i);
    }

    @Setup(Level.Invocation)
    public void copyCrashedStore() throws IOException {
        work = BenchFiles.scratch("recover");
        BenchFiles.copyTree(crashed, work);
    }

    @Benchmark
    public long recover() {
        store = SQLiteVectorStore.open(work, StoreOptions.defaults().withSaveThreshold(Integer.MAX_VALUE));
        return store.openCollection(NAMESPACE, COLLECTION).inspect().engineSize();
    }

    @TearDown(Level.Invocation)
    public void closeAndDelete() {
        if (store != null) {
            store.close();
            store = null;
        }
        BenchFiles.deleteTree(work);
    }
}
