package io.indexgate.store;

import static io.indexgate.store.StoreFixtures.CONFIG;
import static io.indexgate.store.StoreFixtures.uuid;
import static io.indexgate.store.StoreFixtures.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.indexgate.engine.USearchAvailability;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.jboss.byteman.contrib.bmunit.BMRule;
import org.jboss.byteman.contrib.bmunit.BMUnitConfig;
import org.jboss.byteman.contrib.bmunit.WithByteman;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine fails to apply a committed upsert (USearch's native add fails after taking the vectors): the upsert is
 * durable, the engine is replayed from the log before the next save, and that save succeeds. Before the USearch engine
 * undid what its native index took, the replay failed on the keys the native index already held, and every later
 * save failed until the store was reopened.
 */
@WithByteman
@BMUnitConfig(verbose = false) // works around BMUnit 5's teardown of classes without one (byteman PR #107)
class EngineAddFaultTest {

    @TempDir
    Path data;

    @BeforeAll
    static void requireTheNativeLibrary() {
        USearchAvailability.require();
    }

    @AfterEach
    void disarm() {
        FaultSwitch.disarm();
    }

    private static java.util.UUID nearest(VectorCollection docs, int n) {
        return docs.query(VectorQuery.nearest(vector(n), 1)).get(0).get(0).uuid();
    }

    @Test
    @BMRule(name = "the native add fails after inserting the batch",
            targetClass = "io.indexgate.engine.usearch.USearchVectorSearchEngine", targetMethod = "addNative",
            targetLocation = "AT EXIT", condition = "io.indexgate.store.FaultSwitch.strike()",
            action = "throw new IllegalStateException(\"usearch_add: out of memory (injected)\")")
    void aStoreWhoseEngineFailedAnAddCatchesUpAndSaves() throws IOException {
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
