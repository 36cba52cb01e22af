package io.indexgate.store;

import static io.indexgate.store.StoreFixtures.CONFIG;
import static io.indexgate.store.StoreFixtures.uuid;
import static io.indexgate.store.StoreFixtures.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.engine.EngineOptions;
import io.indexgate.engine.SearchMatch;
import io.indexgate.engine.SimilarityMetric;
import io.indexgate.engine.USearchAvailability;
import io.indexgate.engine.VectorSearchEngine;
import io.indexgate.engine.usearch.USearchVectorSearchEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.jboss.byteman.contrib.bmunit.BMRule;
import org.jboss.byteman.contrib.bmunit.BMUnitConfig;
import org.jboss.byteman.contrib.bmunit.WithByteman;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A native add that fails after the native index took the batch's vectors (the glue stops at its first error and
 * keeps what it inserted before it), armed once per test. The engine must be left as it was, and the same keys must
 * be addable again; a store whose engine failed to apply a committed upsert replays it from the log before the next
 * save, and that save succeeds. Before the fix the native index refused those keys as duplicates, so the replay
 * failed and so did every later save until the store was reopened.
 */
@WithByteman
@BMUnitConfig(verbose = false) // works around BMUnit 5's teardown of classes without one (byteman PR #107)
@BMRule(name = "the native add fails after inserting the batch",
        targetClass = "io.indexgate.engine.usearch.USearchVectorSearchEngine", targetMethod = "addNative",
        targetLocation = "AT EXIT", condition = "io.indexgate.store.FaultSwitch.strike()",
        action = "throw new IllegalStateException(\"usearch_add: out of memory (injected)\")")
class USearchAddFaultTest {

    private static final int DIMENSIONS = 8;

    @TempDir
    Path dir;

    @BeforeAll
    static void requireTheNativeLibrary() {
        USearchAvailability.require();
    }

    @AfterEach
    void disarm() {
        FaultSwitch.disarm();
    }

    private static float[][] vectors(long[] keys) {
        float[][] vectors = new float[keys.length][DIMENSIONS];
        for (int i = 0; i < keys.length; i++) {
            Random random = new Random(keys[i]);
            for (int d = 0; d < DIMENSIONS; d++) {
                vectors[i][d] = random.nextFloat() - 0.5f;
            }
        }
        return vectors;
    }

    private static long nearest(VectorSearchEngine engine, float[] query) {
        List<SearchMatch> matches = engine.search(new float[][] {query}, 1, null).get(0);
        return matches.isEmpty() ? -1 : matches.get(0).key();
    }

    private static java.util.UUID nearest(VectorCollection docs, int n) {
        return docs.query(VectorQuery.nearest(vector(n), 1)).get(0).get(0).uuid();
    }

    @Test
    void aFailedNativeAddLeavesTheEngineAsItWasAndTheKeysCanBeAddedAgain() throws IOException {
        long[] first = LongStream.rangeClosed(1, 20).toArray();
        long[] failed = LongStream.rangeClosed(21, 40).toArray();
        try (VectorSearchEngine engine = new USearchVectorSearchEngine(
                EngineOptions.of(DIMENSIONS, SimilarityMetric.EUCLIDEAN))) {
            engine.add(first, vectors(first));
            FaultSwitch.arm(1);
            IllegalStateException error = assertThrows(IllegalStateException.class,
                    () -> engine.add(failed, vectors(failed)));
            assertTrue(error.getMessage().contains("injected"), error.getMessage());

            assertEquals(first.length, engine.size());
            assertArrayEquals(first, engine.keys());
            float[][] failedVectors = vectors(failed);
            for (int i = 0; i < failed.length; i++) {
                assertFalse(engine.contains(failed[i]));
                long found = nearest(engine, failedVectors[i]);
                assertTrue(found >= 1 && found <= 20, "a key of the failed add was found: " + found);
            }

            engine.add(failed, failedVectors);
            assertEquals(first.length + failed.length, engine.size());
            for (int i = 0; i < failed.length; i++) {
                assertEquals(failed[i], nearest(engine, failedVectors[i]));
            }
            Path file = dir.resolve("docs.usearch");
            engine.save(file);
            try (VectorSearchEngine loaded = new USearchVectorSearchEngine(
                    EngineOptions.of(DIMENSIONS, SimilarityMetric.EUCLIDEAN))) {
                loaded.load(file);
                assertArrayEquals(LongStream.rangeClosed(1, 40).toArray(), loaded.keys());
                assertEquals(27L, nearest(loaded, failedVectors[6]));
            }
        }
    }

    @Test
    void aStoreWhoseEngineFailedAnAddCatchesUpAndSaves() throws IOException {
        Path data = dir.resolve("data");
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data, new StoreOptions(1000, null))) {
            VectorCollection docs = store.createCollection("ns", "docs", new CollectionConfig(CONFIG.dimensions(),
                    CONFIG.metric(), "usearch", CONFIG.indexedProperties()));
            docs.upsert(IntStream.range(0, 10).mapToObj(StoreFixtures::record).toList());
            docs.saveIndex();
            FaultSwitch.arm(1);
            docs.upsert(IntStream.range(10, 15).mapToObj(StoreFixtures::record).toList());

            docs.saveIndex();
            assertEquals(uuid(12), nearest(docs, 12));
        }
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data, new StoreOptions(1000, null))) {
            VectorCollection docs = store.openCollection("ns", "docs");
            for (int n = 0; n < 15; n++) {
                assertEquals(uuid(n), nearest(docs, n), "record " + n + " after the reopen");
            }
        }
    }
}
