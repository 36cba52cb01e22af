package io.indexgate.bench;

import io.indexgate.engine.SimilarityMetric;
import io.indexgate.store.CollectionConfig;
import io.indexgate.store.PropertyFilter;
import io.indexgate.store.PropertyType;
import io.indexgate.store.SQLiteVectorStore;
import io.indexgate.store.StoreOptions;
import io.indexgate.store.VectorCollection;
import io.indexgate.store.VectorQuery;
import io.indexgate.store.VectorRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The store's overhead on a query, one thread, k=10, over the same collection: {@code engine} searches the
 * collection's engine directly (keys and scores only); {@code store} runs {@link VectorCollection#query} (validation,
 * engine search, then the matched rows and their properties from SQLite); {@code storeFiltered} adds a property filter
 * that one record in ten passes ({@code category = 3}, an indexed property), whose allowed keys come from SQLite on
 * every query.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx8g", "--add-modules", "jdk.incubator.vector"})
@Threads(1)
public class StoreQueryBenchmark {

    @Param({"hnswlib", "usearch"})
    public String engine;

    @Param({"engine", "store", "storeFiltered"})
    public String path;

    @Param({"100000"})
    public int size;

    @Param({"128"})
    public int dims;

    private SQLiteVectorStore store;
    private VectorCollection collection;
    private io.indexgate.store.CollectionInspection inspection;
    private float[][] queries;
    private int next;
    private final PropertyFilter filter = new PropertyFilter.Comparison("category", PropertyFilter.Operator.EQ, 3L);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path saved = BenchFiles.cache("stores").resolve("saved-" + Facts.indexKey(engine, size, dims) + "-s"
                + Dataset.SEED);
        if (!Files.isDirectory(saved)) {
            Path building = BenchFiles.scratch("store");
            try (SQLiteVectorStore fresh = SQLiteVectorStore.open(building,
                    StoreOptions.defaults().withSaveThreshold(Integer.MAX_VALUE))) {
                VectorCollection docs = fresh.createCollection("bench", "docs",
                        CollectionConfig.of(dims, SimilarityMetric.COSINE, engine)
                                .withIndexedProperty("category", PropertyType.LONG));
                Dataset data = Dataset.of(size, dims);
                StoreLoading.upsert(docs, 0, size, i -> new VectorRecord(new UUID(0x5707e, i), data.vectors()[i],
                        Map.of("category", (long) (i % 10))));
                docs.saveIndex();
            }
            BenchFiles.publish(building, saved);
        }
        store = SQLiteVectorStore.open(saved);
        collection = store.openCollection("bench", "docs");
        inspection = collection.inspect();
        queries = Dataset.of(size, dims).queries();
    }

    @Benchmark
    public Object query() {
        float[] query = queries[next];
        next = next + 1 == queries.length ? 0 : next + 1;
        return switch (path) {
            case "engine" -> inspection.engineSearch(new float[][] {query}, 10);
            case "store" -> collection.query(VectorQuery.nearest(query, 10));
            case "storeFiltered" -> collection.query(VectorQuery.nearest(query, 10).withFilter(filter));
            default -> throw new IllegalArgumentException("unknown path " + path
                    + " (engine, store or storeFiltered)");
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (store != null) {
            store.close();
        }
    }
}
