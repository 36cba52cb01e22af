package io.indexgate.store;

import static io.indexgate.store.StoreFixtures.CONFIG;
import static io.indexgate.store.StoreFixtures.contents;
import static io.indexgate.store.StoreFixtures.count;
import static io.indexgate.store.StoreFixtures.record;
import static io.indexgate.store.StoreFixtures.uuid;
import static io.indexgate.store.StoreFixtures.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.engine.SimilarityMetric;
import io.indexgate.persist.CorruptIndexException;
import io.indexgate.testing.PersistenceMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SQLiteVectorStoreTest {

    @TempDir
    Path data;

    private SQLiteVectorStore open(int threshold) {
        return SQLiteVectorStore.open(data, StoreOptions.defaults().withSaveThreshold(threshold));
    }

    @Test
    void collectionsAreCreatedOpenedListedAndDeleted() throws Exception {
        try (SQLiteVectorStore store = open(100)) {
            VectorCollection created = store.createCollection("ns", "docs", CONFIG);
            assertThrows(VectorStoreException.class, () -> store.createCollection("ns", "docs", CONFIG));
            assertEquals(created, store.openCollection("ns", "docs"));
            assertEquals(created, store.openOrCreateCollection("ns", "docs", CONFIG));
            VectorStoreException mismatch = assertThrows(VectorStoreException.class,
                    () -> store.openOrCreateCollection("ns", "docs", CollectionConfig.of(4, SimilarityMetric.DOT,
                            "hnswlib")));
            assertTrue(mismatch.getMessage().contains("differs"), mismatch.getMessage());
            assertThrows(CollectionNotFoundException.class, () -> store.openCollection("ns", "nothing"));
            store.openOrCreateCollection("ns", "other", CONFIG);
            assertEquals(List.of("docs", "other"),
                    store.listCollections().stream().map(SQLiteVectorStore.CollectionInfo::name).toList());

            created.upsert(List.of(record(1), record(2)));
            created.saveIndex();
            created.upsert(List.of(record(3)));
            Path indexFile = created.indexPath();
            assertTrue(Files.exists(indexFile));
            assertTrue(count(data, "SELECT count(*) FROM pending_operations") > 0);

            assertTrue(store.deleteCollection("ns", "docs"));
            assertFalse(store.deleteCollection("ns", "docs"), "delete is idempotent");
            assertFalse(Files.exists(indexFile), "the index file goes with the collection");
            assertEquals(0, count(data, "SELECT count(*) FROM pending_operations"), "pending ops cascade");
            assertEquals(0, count(data, "SELECT count(*) FROM sqlite_master WHERE name = 'records_1'"));
            assertThrows(VectorStoreException.class, () -> created.get(List.of(uuid(1))));
            assertEquals(List.of(), store.createCollection("ns", "docs", CONFIG).get(List.of(uuid(1))),
                    "a re-created collection starts empty");
        }
    }

    @Test
    void invalidNamesAreRejectedBeforeAnythingIsWritten() {
        try (SQLiteVectorStore store = open(100)) {
            for (String bad : new String[] {"", "a.b", "../x", "x y", "-x", "a\"; DROP TABLE collections; --",
                    "x".repeat(65)}) {
                assertThrows(IllegalArgumentException.class, () -> store.createCollection("ns", bad, CONFIG), bad);
                assertThrows(IllegalArgumentException.class, () -> store.createCollection(bad, "docs", CONFIG), bad);
            }
            assertThrows(IllegalArgumentException.class,
                    () -> CONFIG.withIndexedProperty("bad name", PropertyType.STRING));
            assertEquals(List.of(), store.listCollections());
        }
    }

    @Test
    void upsertGetAndReplaceRoundTripVectorsAndProperties() {
        OffsetDateTime at = OffsetDateTime.of(2024, 5, 1, 12, 0, 0, 0, ZoneOffset.ofHours(2));
        Map<String, Object> properties = Map.of("kind", "note", "rank", 3, "weight", 0.5, "public", true,
                "at", at, "free_text", "not indexed", "count", 7L);
        try (SQLiteVectorStore store = open(100)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(List.of(new VectorRecord(uuid(1), vector(1), properties), record(2)));

            VectorRecord got = docs.get(List.of(uuid(1))).get(0);
            assertArrayEquals(vector(1), got.vector());
            assertEquals(Map.of("kind", "note", "rank", 3L, "weight", 0.5, "public", true, "at", at,
                    "free_text", "not indexed", "count", 7L), got.properties());

            docs.upsert(List.of(VectorRecord.of(uuid(1), vector(9))));
            assertArrayEquals(vector(9), docs.get(List.of(uuid(1))).get(0).vector());
            assertEquals(Map.of(), docs.get(List.of(uuid(1))).get(0).properties(), "a replace replaces properties");
            assertEquals(2, docs.status().records());
            assertEquals(2, docs.status().engineSize());
            assertEquals(List.of(uuid(2), uuid(1)),
                    docs.get(List.of(uuid(2), uuid(77), uuid(1), uuid(2))).stream().map(VectorRecord::uuid).toList());
        }
    }

    @Test
    void queryReturnsNearestFirstWithRequestedFieldsAndThreshold() {
        try (SQLiteVectorStore store = open(100)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(List.of(
                    new VectorRecord(uuid(1), new float[] {1, 0, 0, 0}, Map.of("kind", "a")),
                    new VectorRecord(uuid(2), new float[] {1, 1, 0, 0}, Map.of("kind", "b")),
                    new VectorRecord(uuid(3), new float[] {0, 0, 1, 0}, Map.of("kind", "c"))));

            List<QueryMatch> matches = docs.query(VectorQuery.nearest(new float[] {1, 0.1f, 0, 0}, 3)).get(0);
            assertEquals(List.of(uuid(1), uuid(2), uuid(3)), matches.stream().map(QueryMatch::uuid).toList());
            assertEquals(Map.of("kind", "a"), matches.get(0).properties());
            assertNull(matches.get(0).vector());

            VectorQuery bare = VectorQuery.nearest(new float[] {1, 0.1f, 0, 0}, 3).withReturnProperties(false)
                    .withReturnVector(true).withSimilarityThreshold(0.5f);
            List<QueryMatch> close = docs.query(bare).get(0);
            assertEquals(List.of(uuid(1), uuid(2)), close.stream().map(QueryMatch::uuid).toList());
            assertArrayEquals(new float[] {1, 0, 0, 0}, close.get(0).vector());
            assertNull(close.get(0).properties());
        }
    }

    @Test
    void euclideanThresholdKeepsMatchesWithinTheDistance() {
        try (SQLiteVectorStore store = open(100)) {
            VectorCollection points = store.createCollection("ns", "points",
                    CollectionConfig.of(2, SimilarityMetric.EUCLIDEAN, "exact"));
            points.upsert(List.of(VectorRecord.of(uuid(1), new float[] {0, 0}),
                    VectorRecord.of(uuid(2), new float[] {3, 4})));
            List<QueryMatch> near = points.query(VectorQuery.nearest(new float[] {0, 0}, 5)
                    .withSimilarityThreshold(1f)).get(0);
            assertEquals(List.of(uuid(1)), near.stream().map(QueryMatch::uuid).toList());
            assertEquals(5f, points.query(VectorQuery.nearest(new float[] {0, 0}, 5)).get(0).get(1).score(), 1e-6);
        }
    }

    @Test
    void badInputIsRejectedWithAClearErrorAndNothingIsWritten() throws Exception {
        try (SQLiteVectorStore store = open(100)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(List.of(record(1)));
            assertBadUpsert(docs, List.of(record(2), VectorRecord.of(uuid(3), new float[] {1, 2})),
                    "vector of record " + uuid(3) + " has 2 dimensions, expected 4");
            assertBadUpsert(docs, List.of(VectorRecord.of(uuid(3), new float[] {1, Float.NaN, 0, 0})), "non-finite");
            assertBadUpsert(docs, List.of(VectorRecord.of(uuid(3), new float[] {1, Float.NEGATIVE_INFINITY, 0, 0})),
                    "non-finite");
            assertBadUpsert(docs, List.of(VectorRecord.of(uuid(3), null)), "is null");
            assertBadUpsert(docs, List.of(VectorRecord.of(uuid(3), new float[4])), "zero vector");
            assertBadUpsert(docs, List.of(record(2), record(2)), "appears twice");
            assertBadUpsert(docs, List.of(new VectorRecord(uuid(3), vector(3), Map.of("rank", "high"))),
                    "property 'rank' of record " + uuid(3) + " must be a long");
            assertBadUpsert(docs, List.of(new VectorRecord(uuid(3), vector(3), Map.of("weight", Double.NaN))),
                    "must be finite");
            assertBadUpsert(docs, List.of(new VectorRecord(uuid(3), vector(3), Map.of("bad-name", 1))),
                    "invalid property name");
            assertBadUpsert(docs, List.of(new VectorRecord(uuid(3), vector(3), Map.of("blob", new byte[1]))),
                    "unsupported type");
            assertThrows(IllegalArgumentException.class,
                    () -> new VectorRecord(uuid(3), vector(3), java.util.Collections.singletonMap("x", null)));

            docs.upsert(List.of());
            docs.delete(List.of());
            assertEquals(Set.of(uuid(1)), contents(docs).keySet());
            assertEquals(1, count(data, "SELECT count(*) FROM pending_operations"));
            IllegalArgumentException badQuery = assertThrows(IllegalArgumentException.class,
                    () -> docs.query(VectorQuery.nearest(new float[] {1, 2, 3}, 1)));
            assertTrue(badQuery.getMessage().contains("query vector 0"), badQuery.getMessage());
        }
    }

    private static void assertBadUpsert(VectorCollection docs, List<VectorRecord> records, String reason) {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> docs.upsert(records));
        assertTrue(failure.getMessage().contains(reason), failure.getMessage());
    }

    @Test
    void deleteRemovesRecordsAndIgnoresMissingOnes() {
        try (SQLiteVectorStore store = open(100)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(List.of(record(1), record(2), record(3)));
            docs.delete(List.of(uuid(2), uuid(99)));
            assertEquals(Set.of(uuid(1), uuid(3)), contents(docs).keySet());
            assertEquals(2, docs.status().engineSize());
            List<QueryMatch> all = docs.query(VectorQuery.nearest(vector(2), 10)).get(0);
            assertFalse(all.stream().anyMatch(m -> m.uuid().equals(uuid(2))));
        }
    }

    @Test
    void reachingTheThresholdSavesTheIndexAndClearsThePendingLog() throws Exception {
        try (SQLiteVectorStore store = open(5)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(List.of(record(1), record(2)));
            assertFalse(docs.status().indexSaved());
            assertEquals(2, docs.status().pendingOperations());
            assertFalse(Files.exists(docs.indexPath()));

            docs.upsert(List.of(record(3), record(4), record(5)));
            assertTrue(docs.status().indexSaved());
            assertEquals(0, docs.status().pendingOperations());
            assertTrue(Files.exists(docs.indexPath()));
            assertEquals(1, count(data, "SELECT index_saved FROM collections WHERE name = 'docs'"));
        }
    }

    @Test
    void cleanShutdownSavesAndReopenLoadsWithoutReplay() throws Exception {
        try (SQLiteVectorStore store = open(1000)) {
            store.createCollection("ns", "docs", CONFIG).upsert(IntStream.range(0, 50).mapToObj(
                    StoreFixtures::record).toList());
        }
        assertEquals(0, count(data, "SELECT count(*) FROM pending_operations"));
        assertEquals(1, count(data, "SELECT index_saved FROM collections"));
        try (SQLiteVectorStore store = open(1000)) {
            VectorCollection docs = store.openCollection("ns", "docs");
            assertEquals(50, docs.status().engineSize());
            assertEquals(uuid(7), docs.query(VectorQuery.nearest(vector(7), 1)).get(0).get(0).uuid());
        }
    }

    @Test
    void droppedStoreRecoversEveryAcknowledgedWriteByReplay() {
        SQLiteVectorStore crashed = open(7);
        VectorCollection docs = crashed.createCollection("ns", "docs", CONFIG);
        for (int i = 0; i < 20; i++) {
            docs.upsert(List.of(record(i)));
        }
        docs.delete(List.of(uuid(3), uuid(12)));
        docs.upsert(List.of(VectorRecord.of(uuid(5), vector(500))));
        Map<UUID, List<Float>> acknowledged = contents(docs);
        crashed.abandon(); // no shutdown save; the last saves happened at the threshold

        try (SQLiteVectorStore store = open(7)) {
            VectorCollection recovered = store.openCollection("ns", "docs");
            assertRecovered(acknowledged, recovered);
        }
    }

    @Test
    void crashBetweenTheMoveAndTheCommitRecoversFromTheNewFileAndTheLog() throws Exception {
        SQLiteVectorStore crashed = open(1000);
        VectorCollection docs = crashed.createCollection("ns", "docs", CONFIG);
        docs.upsert(List.of(record(1), record(2)));
        docs.saveIndex();
        docs.upsert(List.of(record(3)));
        docs.delete(List.of(uuid(1)));
        Map<UUID, List<Float>> acknowledged = contents(docs);
        docs.engine().save(docs.indexPath()); // steps 1-6 done, step 7 (the SQLite commit) never happens
        crashed.abandon();

        try (SQLiteVectorStore store = open(1000)) {
            VectorCollection recovered = store.openCollection("ns", "docs");
            assertRecovered(acknowledged, recovered);
            assertEquals(2, recovered.status().pendingOperations(), "the log still holds what the commit would drop");
        }
    }

    @Test
    void crashBeforeTheMoveLeavesAStaleTempThatTheNextOpenClears() throws Exception {
        SQLiteVectorStore crashed = open(1000);
        VectorCollection docs = crashed.createCollection("ns", "docs", CONFIG);
        docs.upsert(List.of(record(1)));
        docs.saveIndex();
        docs.upsert(List.of(record(2)));
        Path temp = docs.indexPath().resolveSibling(docs.indexPath().getFileName() + ".00112233445566ff.tmp");
        Files.write(temp, new byte[] {1, 2, 3});
        Map<UUID, List<Float>> acknowledged = contents(docs);
        crashed.abandon();

        try (SQLiteVectorStore store = open(1000)) {
            assertRecovered(acknowledged, store.openCollection("ns", "docs"));
            assertFalse(Files.exists(temp));
        }
    }

    @Test
    void missingIndexFileBeforeTheFirstSaveRecoversFromTheLog() {
        SQLiteVectorStore crashed = open(1000);
        VectorCollection docs = crashed.createCollection("ns", "docs", CONFIG);
        docs.upsert(List.of(record(1), record(2)));
        Map<UUID, List<Float>> acknowledged = contents(docs);
        crashed.abandon();

        try (SQLiteVectorStore store = open(1000)) {
            VectorCollection recovered = store.openCollection("ns", "docs");
            assertFalse(recovered.status().indexSaved());
            assertRecovered(acknowledged, recovered);
        }
    }

    @Test
    void missingOrCorruptIndexFileAfterASaveIsAnIndexLoadError() throws Exception {
        Path indexFile;
        try (SQLiteVectorStore store = open(1000)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(List.of(record(1), record(2)));
            indexFile = docs.indexPath();
        }
        byte[] saved = Files.readAllBytes(indexFile);

        byte[] corrupt = saved.clone();
        corrupt[corrupt.length - 20] ^= 1;
        Files.write(indexFile, corrupt);
        IndexLoadError corruptError = assertLoadError();
        assertInstanceOf(CorruptIndexException.class, corruptError.getCause());

        Files.delete(indexFile);
        IndexLoadError missingError = assertLoadError();
        assertInstanceOf(NoSuchFileException.class, missingError.getCause());
        assertEquals("ns", missingError.namespace());
        assertEquals("docs", missingError.name());
        assertEquals(indexFile, missingError.path());

        Files.write(indexFile, saved);
        try (SQLiteVectorStore store = open(1000)) {
            assertEquals(2, store.openCollection("ns", "docs").status().engineSize(), "the good file loads again");
        }
    }

    private IndexLoadError assertLoadError() {
        try (SQLiteVectorStore store = open(1000)) {
            IndexLoadError error = assertThrows(IndexLoadError.class, () -> store.openCollection("ns", "docs"));
            assertTrue(error.getMessage().contains("ns/docs"), error.getMessage());
            return error;
        }
    }

    /** The file key (device and inode on Linux) of the index after each of two saves. */
    private List<Object> fileKeysOfTwoSaves() throws IOException {
        List<Object> keys = new ArrayList<>();
        try (SQLiteVectorStore store = open(1000)) {
            VectorCollection docs = store.createCollection("ns", "keys-" + System.nanoTime(), CONFIG);
            for (int i = 0; i < 2; i++) {
                docs.upsert(List.of(record(i)));
                docs.saveIndex();
                keys.add(Files.readAttributes(docs.indexPath(), java.nio.file.attribute.BasicFileAttributes.class)
                        .fileKey());
            }
        }
        return keys;
    }

    @Test
    void noSystemPropertyWeakensTheSaveOnlyAnInstalledNegativeControlDoes() throws IOException {
        // The property that once overrode a production store's mode is gone: each save still renames a new file
        // over the target (a new inode), never rewrites it in place.
        System.setProperty("indexgate.persistence.mode", "direct");
        try {
            List<Object> keys = fileKeysOfTwoSaves();
            assertNotNull(keys.get(0), "this file system reports file keys");
            assertNotEquals(keys.get(0), keys.get(1), "the second save replaced the file");
        } finally {
            System.clearProperty("indexgate.persistence.mode");
        }
        // The negative control, installed explicitly, does rewrite in place: the same check sees it.
        PersistenceMode.install(PersistenceMode.DIRECT);
        try {
            List<Object> keys = fileKeysOfTwoSaves();
            assertEquals(keys.get(0), keys.get(1), "DIRECT writes over the target");
        } finally {
            PersistenceMode.install(PersistenceMode.ATOMIC);
        }
    }

    @Test
    void concurrentWritersQueriersAndSavesEndConsistent() throws Exception {
        int threads = 4;
        int perThread = 120;
        try (SQLiteVectorStore store = open(25)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            List<Thread> workers = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                int thread = t;
                workers.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < perThread; i++) {
                            int n = thread * perThread + i;
                            docs.upsert(List.of(record(n)));
                            docs.query(VectorQuery.nearest(vector(n), 3));
                            if (i % 3 == 0) {
                                docs.delete(List.of(uuid(n)));
                            }
                            if (i % 40 == 0) {
                                docs.saveIndex();
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            workers.forEach(Thread::start);
            for (Thread worker : workers) {
                worker.join();
            }
            assertEquals(List.of(), failures);
            Set<UUID> expected = IntStream.range(0, threads * perThread).filter(n -> (n % perThread) % 3 != 0)
                    .mapToObj(StoreFixtures::uuid).collect(Collectors.toSet());
            assertEquals(expected, contents(docs).keySet());
            assertEngineMatchesRecords(docs);
        }
        try (SQLiteVectorStore store = open(25)) {
            assertEngineMatchesRecords(store.openCollection("ns", "docs"));
        }
    }

    static void assertRecovered(Map<UUID, List<Float>> acknowledged, VectorCollection recovered) {
        assertEquals(acknowledged, contents(recovered));
        assertEngineMatchesRecords(recovered);
        for (UUID uuid : acknowledged.keySet()) {
            float[] vector = recovered.get(List.of(uuid)).get(0).vector();
            assertEquals(uuid, recovered.query(VectorQuery.nearest(vector, 1)).get(0).get(0).uuid(),
                    "exact query finds " + uuid);
        }
    }

    static void assertEngineMatchesRecords(VectorCollection collection) {
        long[] rowIds = collection.allRecords().stream().mapToLong(StoredRecord::rowId).sorted().toArray();
        assertArrayEquals(rowIds, collection.engine().keys());
        for (StoredRecord stored : collection.allRecords()) {
            assertArrayEquals(stored.record().vector(),
                    collection.engine().getVectors(new long[] {stored.rowId()}).get(stored.rowId()));
        }
    }

    @Test
    void timestampsWithDifferentOffsetsCompareAsInstants() {
        try (SQLiteVectorStore store = open(100)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            Instant noon = Instant.parse("2024-05-01T12:00:00Z");
            docs.upsert(List.of(
                    new VectorRecord(uuid(1), vector(1), Map.of("at", noon.atOffset(ZoneOffset.ofHours(5)))),
                    new VectorRecord(uuid(2), vector(2), Map.of("at", noon.plusSeconds(1).atOffset(
                            ZoneOffset.ofHours(-8))))));
            assertEquals(Set.of(uuid(1)), matching(docs, PropertyFilter.eq("at",
                    noon.atOffset(ZoneOffset.ofHours(-3)))));
            assertEquals(Set.of(uuid(2)), matching(docs, PropertyFilter.gt("at", noon)));
            assertEquals(OffsetDateTime.of(2024, 5, 1, 17, 0, 0, 0, ZoneOffset.ofHours(5)),
                    docs.get(List.of(uuid(1))).get(0).properties().get("at"), "the offset is kept");
        }
    }

    static Set<UUID> matching(VectorCollection collection, PropertyFilter filter) {
        return collection.query(VectorQuery.nearest(vector(0), 100).withFilter(filter)).get(0).stream()
                .map(QueryMatch::uuid).collect(Collectors.toSet());
    }
}
