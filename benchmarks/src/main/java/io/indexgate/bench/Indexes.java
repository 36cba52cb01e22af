package io.indexgate.bench;

import io.indexgate.engine.EngineOptions;
import io.indexgate.engine.Engines;
import io.indexgate.engine.SearchMatch;
import io.indexgate.engine.SimilarityMetric;
import io.indexgate.engine.VectorSearchEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Built indexes of the {@link Dataset}s, one per engine, with the default graph parameters (M=16, efConstruction=128,
 * ef=128) and the cosine metric. Building a large graph takes minutes, so each is built once, saved with the
 * engine's own (atomic) save, and cached; a cached file that no longer loads (an older format) is rebuilt, and one
 * that loads but was written before {@link #ENCODING} is saved again by the current engine (the same graph, in the
 * current format), so that loads and file sizes are measured on what the engine writes today.
 */
public final class Indexes {

    /** Vectors per {@code add} call while building: large batches use every core where the engine can. */
    public static final int BUILD_BATCH = 10_000;

    /**
     * The date of the last change to an engine's payload encoding (2026-12-04: hnswlib's own graph codec in place of
     * Java serialization), recorded with each cached index.
     */
    static final String ENCODING = "2026-12-04";

    private Indexes() {
    }

    /** A new, empty engine for a dataset's dimensions. */
    public static VectorSearchEngine newEngine(String engine, int dimensions) {
        if (!Engines.isAvailable(engine)) {
            throw new IllegalStateException("engine " + engine + " is not available in this build (engines: "
                    + Engines.ids() + "; the usearch engine needs the native library, see README)");
        }
        return Engines.create(engine, EngineOptions.of(dimensions, SimilarityMetric.COSINE));
    }

    /** The cached index file of {@code engine} over the dataset, built first if needed. */
    public static Path file(String engine, int size, int dimensions) {
        Path file = path(engine, size, dimensions);
        if (!Files.exists(file)) {
            load(engine, size, dimensions).close();
        }
        return file;
    }

    /** An engine holding the whole dataset, loaded from the cache or built. */
    public static VectorSearchEngine load(String engine, int size, int dimensions) {
        Path file = path(engine, size, dimensions);
        VectorSearchEngine loaded = newEngine(engine, dimensions);
        try {
            if (Files.exists(file)) {
                try {
                    loaded.load(file);
                    if (loaded.size() == size) {
                        String key = Facts.indexKey(engine, size, dimensions);
                        if (!ENCODING.equals(Facts.read(key).get("encoding"))) {
                            loaded.save(file);
                            Facts.put(key, "fileBytes", Files.size(file));
                            Facts.put(key, "encoding", ENCODING);
                        }
                        return loaded;
                    }
                } catch (IOException | RuntimeException stale) {
                    System.err.println("rebuilding the cached index " + file + ": " + stale.getMessage());
                }
            }
            build(engine, size, dimensions, loaded, file);
            return loaded;
        } catch (IOException | RuntimeException e) {
            loaded.close();
            throw e instanceof IOException io ? new UncheckedIOException("cannot build " + file, io)
                    : (RuntimeException) e;
        }
    }

    private static void build(String engine, int size, int dimensions, VectorSearchEngine into, Path file)
            throws IOException {
        Dataset data = Dataset.of(size, dimensions);
        try (VectorSearchEngine fresh = newEngine(engine, dimensions)) {
            long start = System.nanoTime();
            for (int from = 0; from < size; from += BUILD_BATCH) {
                int to = Math.min(size, from + BUILD_BATCH);
                long[] keys = new long[to - from];
                float[][] vectors = new float[to - from][];
                for (int i = from; i < to; i++) {
                    keys[i - from] = i;
                    vectors[i - from] = data.vectors()[i];
                }
                fresh.add(keys, vectors);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            fresh.save(file);
            Facts.replace(Facts.indexKey(engine, size, dimensions), Map.of(
                    "fileBytes", Files.size(file),
                    "buildSeconds", seconds,
                    "buildThreads", Runtime.getRuntime().availableProcessors(),
                    "encoding", ENCODING));
        }
        into.load(file);
    }

    private static Path path(String engine, int size, int dimensions) {
        return BenchFiles.cache("indexes").resolve(Facts.indexKey(engine, size, dimensions) + "-s" + Dataset.SEED
                + "-M" + EngineOptions.DEFAULT_CONNECTIVITY + "-ef" + EngineOptions.DEFAULT_EXPANSION + ".ig");
    }

    /**
     * The recall@10 of {@code loaded} (the cached index of {@code engine}) over the dataset's queries, measured on
     * every call (a changed engine or kernel changes it, though the cached file stays the same) and recorded in the
     * facts, where {@link Report} reads it.
     */
    public static double recall(String engine, int size, int dimensions, VectorSearchEngine loaded) {
        String key = Facts.indexKey(engine, size, dimensions);
        Dataset data = Dataset.of(size, dimensions);
        List<List<SearchMatch>> results = loaded.search(data.queries(), Dataset.K, null);
        long[][] found = new long[results.size()][];
        for (int q = 0; q < found.length; q++) {
            found[q] = results.get(q).stream().mapToLong(SearchMatch::key).toArray();
        }
        double recall = data.recallAtK(found);
        Facts.put(key, "recall10", recall);
        return recall;
    }
}
