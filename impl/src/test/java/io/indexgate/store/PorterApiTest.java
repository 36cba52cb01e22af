package io.indexgate.store;

import static io.indexgate.store.StoreFixtures.CONFIG;
import static io.indexgate.store.StoreFixtures.count;
import static io.indexgate.store.StoreFixtures.record;
import static io.indexgate.store.StoreFixtures.uuid;
import static io.indexgate.store.StoreFixtures.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.engine.SimilarityMetric;
import io.indexgate.persist.EnvelopeHeader;
import io.indexgate.persist.IndexFormatTooNewException;
import io.indexgate.persist.IndexFormatTooOldException;
import io.indexgate.store.PendingOperationInfo.Kind;
import io.indexgate.testing.EnvelopeVersions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API that ports of MemMachine's store tests use: typed failures, lookups, switches and the log's view. */
class PorterApiTest {

    private static final CollectionConfig OTHER_CONFIG = CollectionConfig.of(4, SimilarityMetric.DOT, "exact");

    @TempDir
    Path data;

    private SQLiteVectorStore open() {
        return SQLiteVectorStore.open(data, StoreOptions.defaults().withSaveThreshold(1000));
    }

    @Test
    void creatingAnExistingCollectionNamesItAndItsConfig() {
        try (SQLiteVectorStore store = open()) {
            store.createCollection("ns", "docs", CONFIG);
            for (CollectionConfig requested : List.of(CONFIG, OTHER_CONFIG)) {
                CollectionAlreadyExistsException exists = assertThrows(CollectionAlreadyExistsException.class,
                        () -> store.createCollection("ns", "docs", requested));
                assertEquals("ns", exists.namespace());
                assertEquals("docs", exists.name());
                assertEquals(CONFIG, exists.existingConfig());
                assertInstanceOf(VectorStoreException.class, exists, "existing catch blocks still catch it");
                assertTrue(exists.getMessage().contains("ns/docs already exists"), exists.getMessage());
            }
            assertEquals(1, store.listCollections().size());
        }
    }

    @Test
    void openOrCreateWithAnotherConfigNamesBothConfigsAndChangesNothing() {
        try (SQLiteVectorStore store = open()) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(List.of(record(1)));

            CollectionConfigMismatchException mismatch = assertThrows(CollectionConfigMismatchException.class,
                    () -> store.openOrCreateCollection("ns", "docs", OTHER_CONFIG));
            assertEquals("ns", mismatch.namespace());
            assertEquals("docs", mismatch.name());
            assertEquals(CONFIG, mismatch.storedConfig());
            assertEquals(OTHER_CONFIG, mismatch.requestedConfig());
            assertInstanceOf(VectorStoreException.class, mismatch);
            assertTrue(mismatch.getMessage().contains(CONFIG.toString())
                    && mismatch.getMessage().contains(OTHER_CONFIG.toString()), mismatch.getMessage());

            assertSame(docs, store.openOrCreateCollection("ns", "docs", CONFIG));
            assertEquals(CONFIG, store.listCollections().get(0).config());
            assertEquals(1, docs.status().records());
        }
    }

    @Test
    void findCollectionIsEmptyForAnAbsentCollectionAndOpensAPresentOne() {
        try (SQLiteVectorStore store = open()) {
            assertEquals(Optional.empty(), store.findCollection("ns", "docs"));
            assertEquals(List.of(), store.listCollections(), "looking does not create");

            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(List.of(record(1), record(2)));
            assertSame(docs, store.findCollection("ns", "docs").orElseThrow());
            assertSame(store.openCollection("ns", "docs"), store.findCollection("ns", "docs").orElseThrow());

            store.deleteCollection("ns", "docs");
            assertEquals(Optional.empty(), store.findCollection("ns", "docs"));
            CollectionNotFoundException notFound = assertThrows(CollectionNotFoundException.class,
                    () -> store.openCollection("ns", "docs"));
            assertEquals("ns", notFound.namespace());
            assertEquals("docs", notFound.name());
            assertThrows(IllegalArgumentException.class, () -> store.findCollection("ns", "../docs"));
        }
    }

    @Test
    void findCollectionAfterARestartLoadsAndReplays() {
        SQLiteVectorStore crashed = open();
        VectorCollection docs = crashed.createCollection("ns", "docs", CONFIG);
        docs.upsert(List.of(record(1), record(2), record(3)));
        crashed.abandon();

        try (SQLiteVectorStore store = open()) {
            VectorCollection found = store.findCollection("ns", "docs").orElseThrow();
            assertEquals(3, found.status().engineSize());
            assertEquals(uuid(2), found.query(VectorQuery.nearest(vector(2), 1)).get(0).get(0).uuid());
        }
    }

    @Test
    void getReturnsOnlyTheFieldsAskedForInTheOrderAsked() {
        try (SQLiteVectorStore store = open()) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(List.of(new VectorRecord(uuid(1), vector(1), Map.of("kind", "a", "rank", 3L)),
                    new VectorRecord(uuid(2), vector(2), Map.of("kind", "b"))));
            List<UUID> asked = List.of(uuid(2), uuid(99), uuid(1), uuid(2));

            List<RetrievedRecord> bare = docs.get(asked, false, false);
            assertEquals(List.of(uuid(2), uuid(1)), bare.stream().map(RetrievedRecord::uuid).toList());
            bare.forEach(record -> {
                assertNull(record.vector());
                assertNull(record.properties());
            });

            List<RetrievedRecord> vectors = docs.get(asked, true, false);
            assertArrayEquals(vector(2), vectors.get(0).vector());
            assertArrayEquals(vector(1), vectors.get(1).vector());
            assertNull(vectors.get(0).properties());

            List<RetrievedRecord> properties = docs.get(asked, false, true);
            assertNull(properties.get(1).vector());
            assertEquals(Map.of("kind", "a", "rank", 3L), properties.get(1).properties());

            List<RetrievedRecord> everything = docs.get(asked, true, true);
            List<VectorRecord> records = docs.get(asked);
            assertEquals(records.size(), everything.size());
            for (int i = 0; i < records.size(); i++) {
                assertEquals(records.get(i).uuid(), everything.get(i).uuid());
                assertArrayEquals(records.get(i).vector(), everything.get(i).vector());
                assertEquals(records.get(i).properties(), everything.get(i).properties());
            }
            assertEquals(List.of(), docs.get(List.of(), true, true));
        }
    }

    @Test
    void getWithSwitchesReadsBatchesLargerThanOneStatement() {
        try (SQLiteVectorStore store = open()) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(IntStream.range(0, 1200).mapToObj(StoreFixtures::record).toList());
            List<UUID> asked = IntStream.range(0, 1300).map(n -> 1299 - n).mapToObj(StoreFixtures::uuid).toList();
            List<RetrievedRecord> found = docs.get(asked, true, false);
            assertEquals(IntStream.range(0, 1200).map(n -> 1199 - n).mapToObj(StoreFixtures::uuid).toList(),
                    found.stream().map(RetrievedRecord::uuid).toList());
            assertArrayEquals(vector(7), found.get(1192).vector());
        }
    }

    @Test
    void pendingOperationsShowEveryCollectionsLogUntilASaveOrADeleteRemovesIt() throws Exception {
        try (SQLiteVectorStore store = open()) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            VectorCollection notes = store.createCollection("other", "notes", CONFIG);
            assertEquals(List.of(), store.pendingOperations());

            docs.upsert(List.of(record(1), record(2)));
            docs.upsert(List.of(VectorRecord.of(uuid(1), vector(10)))); // a replace: delete the old row, add a new one
            notes.upsert(List.of(record(3)));
            docs.delete(List.of(uuid(2)));

            List<PendingOperationInfo> pending = store.pendingOperations();
            assertEquals(count(data, "SELECT count(*) FROM pending_operations"), pending.size());
            assertEquals(List.of(Kind.UPSERT, Kind.UPSERT, Kind.DELETE, Kind.UPSERT, Kind.UPSERT, Kind.DELETE),
                    pending.stream().map(PendingOperationInfo::kind).toList());
            assertEquals(List.of("ns/docs", "ns/docs", "ns/docs", "ns/docs", "other/notes", "ns/docs"),
                    pending.stream().map(p -> p.namespace() + "/" + p.collection()).toList());
            long firstRow = pending.get(0).rowId();
            assertEquals(List.of(firstRow, firstRow + 1, firstRow, firstRow + 2, pending.get(4).rowId(),
                    firstRow + 1), pending.stream().map(PendingOperationInfo::rowId).toList());
            assertTrue(pending.stream().allMatch(PendingOperationInfo::applied), "all applied to the engines");
            assertEquals(pending.stream().map(PendingOperationInfo::position).sorted().toList(),
                    pending.stream().map(PendingOperationInfo::position).toList(), "in log order");

            docs.saveIndex();
            assertEquals(List.of("other/notes"), collectionsIn(store.pendingOperations()));

            docs.upsert(List.of(record(4)));
            assertTrue(store.deleteCollection("other", "notes"));
            assertEquals(List.of("ns/docs"), collectionsIn(store.pendingOperations()), "the delete cascades");
        }
    }

    @Test
    void pendingOperationsOfACrashedStoreAreWhatTheNextOpenReplays() {
        SQLiteVectorStore crashed = open();
        VectorCollection docs = crashed.createCollection("ns", "docs", CONFIG);
        docs.upsert(List.of(record(1), record(2)));
        List<PendingOperationInfo> before = crashed.pendingOperations();
        crashed.abandon();
        assertThrows(VectorStoreException.class, crashed::pendingOperations, "an abandoned store is closed");

        try (SQLiteVectorStore inspection = SQLiteVectorStore.openReadOnly(data, StoreOptions.defaults())) {
            assertEquals(before, inspection.pendingOperations());
        }
        try (SQLiteVectorStore store = open()) {
            assertEquals(before, store.pendingOperations(), "nothing was saved by abandon()");
            assertEquals(2, store.openCollection("ns", "docs").status().engineSize());
        }
    }

    @Test
    void indexOfANewerOrOlderFormatVersionIsAnIndexLoadErrorNeverARebuild() throws Exception {
        Path indexFile;
        try (SQLiteVectorStore store = open()) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(List.of(record(1), record(2)));
            indexFile = docs.indexPath();
        }
        byte[] saved = Files.readAllBytes(indexFile);

        byte[] newer = EnvelopeVersions.withVersion(saved, EnvelopeHeader.FORMAT_VERSION + 1);
        Files.write(indexFile, newer);
        try (SQLiteVectorStore store = open()) {
            IndexLoadError error = assertThrows(IndexLoadError.class, () -> store.findCollection("ns", "docs"));
            IndexFormatTooNewException tooNew = assertInstanceOf(IndexFormatTooNewException.class, error.getCause());
            assertEquals(EnvelopeHeader.FORMAT_VERSION + 1, tooNew.version());
            assertEquals(indexFile, error.path());
            assertTrue(error.getMessage().contains("format version " + (EnvelopeHeader.FORMAT_VERSION + 1)),
                    error.getMessage());
        }
        assertArrayEquals(newer, Files.readAllBytes(indexFile), "the file is left as it was");
        assertEquals(1, count(data, "SELECT index_saved FROM collections"));

        Files.write(indexFile, EnvelopeVersions.withVersion(saved, EnvelopeHeader.MIN_SUPPORTED_VERSION - 1));
        try (SQLiteVectorStore store = open()) {
            IndexLoadError error = assertThrows(IndexLoadError.class, () -> store.openCollection("ns", "docs"));
            assertInstanceOf(IndexFormatTooOldException.class, error.getCause());
        }

        Files.write(indexFile, saved);
        try (SQLiteVectorStore store = open()) {
            assertEquals(2, store.openCollection("ns", "docs").status().engineSize(), "the good file loads again");
        }
    }

    @Test
    void concurrentCreatesLookupsGetsAndLogReadsAgree() throws Exception {
        int threads = 4;
        try (SQLiteVectorStore store = open()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            List<VectorCollection> seen = Collections.synchronizedList(new ArrayList<>());
            List<Integer> refusals = Collections.synchronizedList(new ArrayList<>());
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                workers.add(new Thread(() -> {
                    try {
                        start.await();
                        try {
                            seen.add(store.createCollection("ns", "docs", CONFIG));
                        } catch (CollectionAlreadyExistsException e) {
                            refusals.add(thread);
                        }
                        VectorCollection docs = store.findCollection("ns", "docs").orElseThrow();
                        seen.add(docs);
                        for (int i = 0; i < 60; i++) {
                            int n = thread * 1000 + i;
                            docs.upsert(List.of(record(n)));
                            List<RetrievedRecord> got = docs.get(List.of(uuid(n)), true, false);
                            assertEquals(1, got.size(), "a thread reads its own acknowledged write");
                            assertArrayEquals(vector(n), got.get(0).vector());
                            // Another thread's save may just have emptied the log: only its contents are certain.
                            assertTrue(store.pendingOperations().stream()
                                    .allMatch(p -> p.collection().equals("docs") && p.kind() == Kind.UPSERT));
                            if (i % 20 == 19) {
                                docs.saveIndex();
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            workers.forEach(Thread::start);
            start.countDown();
            for (Thread worker : workers) {
                worker.join();
            }
            assertEquals(List.of(), failures);
            assertEquals(threads - 1, refusals.size(), "exactly one thread created the collection");
            assertEquals(1, Set.copyOf(seen).size(), "every thread got the same collection");
            VectorCollection docs = store.openCollection("ns", "docs");
            assertEquals(threads * 60, docs.status().records());
            assertTrue(docs.checkConsistency().consistent(), docs.checkConsistency().toString());
            assertEquals(docs.status().pendingOperations(), store.pendingOperations().size());
        }
    }

    private static List<String> collectionsIn(List<PendingOperationInfo> pending) {
        return pending.stream().map(p -> p.namespace() + "/" + p.collection()).distinct()
                .collect(Collectors.toList());
    }
}
