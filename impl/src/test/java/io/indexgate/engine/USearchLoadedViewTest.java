package io.indexgate.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.engine.usearch.USearchVectorSearchEngine;
import io.indexgate.testing.ClusteredVectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loaded USearch index is a view of the verified file bytes until its first addition copies it into USearch's
 * memory: both states answer every read as the saved engine did, a view saves the same bytes it was loaded from, and
 * the copy keeps every vector bit for bit.
 */
class USearchLoadedViewTest {

    private static final int DIMENSIONS = 24;

    @TempDir
    Path directory;

    @BeforeAll
    static void requireTheNativeLibrary() {
        USearchAvailability.require();
    }

    private static long[] keys(long from, int count) {
        return LongStream.range(from, from + count).toArray();
    }

    @Test
    void aViewAnswersAsTheSavedEngineSavesTheSameBytesAndBecomesWritableOnItsFirstAddition() throws Exception {
        float[][] vectors = ClusteredVectors.generate(5, 3000, DIMENSIONS);
        float[][] queries = {vectors[10], vectors[1234], vectors[2999]};
        EngineOptions options = EngineOptions.of(DIMENSIONS, SimilarityMetric.COSINE);
        Path saved = directory.resolve("saved.index");
        List<List<SearchMatch>> before;
        try (USearchVectorSearchEngine engine = new USearchVectorSearchEngine(options)) {
            engine.add(keys(0, 3000), vectors);
            engine.remove(keys(0, 5));
            before = engine.search(queries, 10, null);
            engine.save(saved);
        }
        try (USearchVectorSearchEngine loaded = new USearchVectorSearchEngine(options)) {
            loaded.load(saved);
            assertEquals(before, loaded.search(queries, 10, null), "the view searches as the saved engine");
            assertEquals(before, searchedFromManyThreads(loaded, queries), "and from more threads than processors");
            Path resaved = directory.resolve("resaved.index");
            loaded.save(resaved);
            assertArrayEquals(Files.readAllBytes(saved), Files.readAllBytes(resaved), "a view saves what it loaded");

            loaded.remove(new long[] {10});
            assertFalse(loaded.search(new float[][] {vectors[10]}, 10, null).get(0).stream()
                    .anyMatch(match -> match.key() == 10), "a removal on a view excludes the key");

            float[] added = ClusteredVectors.generate(6, 1, DIMENSIONS)[0];
            loaded.add(new long[] {5000}, new float[][] {added});
            assertEquals(5000, loaded.search(new float[][] {added}, 1, null).get(0).get(0).key());
            assertEquals(2995, loaded.size(), "3000 added, 5 removed before the save, 1 removed and 1 added after");
            for (int i = 5; i < 3000; i += 7) {
                if (i != 10) {
                    assertArrayEquals(vectors[i], loaded.getVectors(new long[] {i}).get((long) i),
                            "key " + i + " after the copy, bit for bit");
                }
            }
            assertEquals(before.get(1), loaded.search(new float[][] {queries[1]}, 10, null).get(0),
                    "the copy searches as the view did");
        }
    }

    private static List<List<SearchMatch>> searchedFromManyThreads(VectorSearchEngine engine, float[][] queries)
            throws Exception {
        int threads = Runtime.getRuntime().availableProcessors() * 3;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<List<SearchMatch>>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    List<List<SearchMatch>> last = null;
                    for (int round = 0; round < 50; round++) {
                        last = engine.search(queries, 10, null);
                    }
                    return last;
                }));
            }
            List<List<SearchMatch>> first = futures.get(0).get();
            for (Future<List<List<SearchMatch>>> future : futures) {
                assertEquals(first, future.get());
            }
            return first;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aViewOutlivesNoneOfItsBytesAcrossLoadsClosesAndCollections() throws Exception {
        float[][] vectors = ClusteredVectors.generate(7, 500, DIMENSIONS);
        EngineOptions options = EngineOptions.of(DIMENSIONS, SimilarityMetric.EUCLIDEAN);
        Path saved = directory.resolve("cycled.index");
        try (USearchVectorSearchEngine engine = new USearchVectorSearchEngine(options)) {
            engine.add(keys(0, 500), vectors);
            engine.save(saved);
        }
        try (USearchVectorSearchEngine reloaded = new USearchVectorSearchEngine(options)) {
            for (int round = 0; round < 30; round++) {
                reloaded.load(saved); // each load replaces (and frees) the previous view
                System.gc();
                assertEquals(List.of(42L), reloaded.search(new float[][] {vectors[42]}, 1, null).get(0).stream()
                        .map(SearchMatch::key).toList(), "round " + round);
            }
        }
        for (int round = 0; round < 30; round++) {
            USearchVectorSearchEngine dropped = new USearchVectorSearchEngine(options);
            dropped.load(saved); // never closed: the Cleaner frees the view, then its bytes may go
        }
        System.gc();
        try (USearchVectorSearchEngine last = new USearchVectorSearchEngine(options)) {
            last.load(saved);
            assertTrue(last.contains(499));
        }
    }
}
