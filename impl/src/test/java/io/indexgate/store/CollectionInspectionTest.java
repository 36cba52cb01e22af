package io.indexgate.store;

import static io.indexgate.store.StoreFixtures.CONFIG;
import static io.indexgate.store.StoreFixtures.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read-only look inside a collection shows both sides as they are, changes neither, and sees them disagree. */
class CollectionInspectionTest {

    @TempDir
    Path data;

    @Test
    void showsSqliteAndTheEngineAndChangesNothing() {
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(IntStream.range(0, 6).mapToObj(StoreFixtures::record).toList());
            docs.delete(List.of(record(2).uuid()));
            CollectionInspection inspection = docs.inspect();

            List<StoredRecord> records = inspection.records();
            assertEquals(5, records.size());
            long[] rowIds = records.stream().mapToLong(StoredRecord::rowId).sorted().toArray();
            assertArrayEquals(rowIds, inspection.engineKeys());
            assertEquals(5, inspection.engineSize());
            for (StoredRecord stored : records) {
                assertArrayEquals(stored.record().vector(),
                        inspection.engineVectors(new long[] {stored.rowId()}).get(stored.rowId()));
            }
            StoredRecord first = records.get(0);
            assertEquals(first.rowId(), inspection.engineSearch(new float[][] {first.record().vector()}, 1)
                    .get(0).get(0).key());
            assertTrue(inspection.consistency().consistent());
            assertEquals(5, docs.status().records(), "inspecting changed nothing");
            assertEquals(5, docs.status().engineSize());
        }
    }

    @Test
    void seesTheEngineAndSqliteDisagree() {
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(IntStream.range(0, 3).mapToObj(StoreFixtures::record).toList());
            long removed = docs.inspect().records().get(0).rowId();
            docs.engine().remove(new long[] {removed}); // behind the store's back
            CollectionInspection inspection = docs.inspect();
            assertEquals(2, inspection.engineSize());
            assertEquals(3, inspection.records().size());
            assertFalse(inspection.consistency().consistent());
            assertEquals(List.of(inspection.records().get(0).record().uuid()),
                    inspection.consistency().missingFromEngine());
        }
    }

    @Test
    void aClosedCollectionCannotBeInspected() {
        SQLiteVectorStore store = SQLiteVectorStore.open(data);
        VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
        store.close();
        assertThrows(VectorStoreException.class, docs::inspect);
    }
}
