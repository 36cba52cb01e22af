package io.indexgate.store;

import static io.indexgate.store.SQLiteVectorStoreTest.assertRecovered;
import static io.indexgate.store.StoreFixtures.CONFIG;
import static io.indexgate.store.StoreFixtures.contents;
import static io.indexgate.store.StoreFixtures.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.persist.CorruptIndexException;
import io.indexgate.persist.IndexSaveException;
import io.indexgate.testing.PersistenceMode;
import io.indexgate.persist.SaveStep;
import io.indexgate.persist.StaleTemps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.jboss.byteman.contrib.bmunit.BMRule;
import org.jboss.byteman.contrib.bmunit.WithByteman;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-process I/O faults injected with Byteman into the save path of a real store: each leaves the previous index
 * loadable, no temp behind, and the store serving and able to save again. The DIRECT mode is the negative control:
 * the same fault tears its index file.
 */
abstract class SaveFaultTest {

    private static final String WRITER = "io.indexgate.persist.AtomicIndexWriter";
    private static final String STRIKE = "io.indexgate.store.FaultSwitch.strike()";

    @TempDir
    Path data;

    /** The engine under test. */
    protected abstract String engine();

    @AfterEach
    void disarm() {
        FaultSwitch.disarm();
        PersistenceMode.install(PersistenceMode.ATOMIC);
    }

    /** A store with one saved generation (records 0-9) and unsaved records 10-14 in the log. */
    private SQLiteVectorStore storeWithUnsavedChanges(PersistenceMode mode) throws IOException {
        PersistenceMode.install(mode);
        SQLiteVectorStore store = SQLiteVectorStore.open(data, new StoreOptions(1000, null));
        VectorCollection docs = store.createCollection("ns", "docs", new CollectionConfig(CONFIG.dimensions(),
                CONFIG.metric(), engine(), CONFIG.indexedProperties()));
        docs.upsert(IntStream.range(0, 10).mapToObj(StoreFixtures::record).toList());
        docs.saveIndex();
        docs.upsert(IntStream.range(10, 15).mapToObj(StoreFixtures::record).toList());
        return store;
    }

    /** The fault's save fails at {@code step}; the old file is intact; then the store saves and recovers. */
    private void assertSurvives(SaveStep step, boolean targetReplaced, int occurrence) throws IOException {
        SQLiteVectorStore store = storeWithUnsavedChanges(PersistenceMode.ATOMIC);
        VectorCollection docs = store.openCollection("ns", "docs");
        byte[] previous = Files.readAllBytes(docs.indexPath());
        FaultSwitch.arm(occurrence);

        IndexSaveException failure = assertThrows(IndexSaveException.class, docs::saveIndex);
        assertEquals(step, failure.step());
        assertTrue(failure.getMessage().contains(docs.indexPath().toString()), failure.getMessage());
        if (!targetReplaced) {
            assertArrayEquals(previous, Files.readAllBytes(docs.indexPath()), "the previous index is untouched");
        }
        assertEquals(List.of(), StaleTemps.find(docs.indexPath()), "no temp is left behind");
        assertEquals(5, docs.status().pendingOperations(), "nothing was committed");
        assertEquals(15, docs.query(VectorQuery.nearest(StoreFixtures.vector(12), 20)).get(0).size(),
                "the store keeps serving");

        docs.upsert(List.of(record(15)));
        docs.saveIndex();
        assertEquals(0, docs.status().pendingOperations(), "the next save succeeds");
        Map<UUID, List<Float>> acknowledged = contents(docs);
        store.abandon(); // no shutdown save: recovery needs the file the last save wrote
        FaultSwitch.disarm();
        try (SQLiteVectorStore reopened = SQLiteVectorStore.open(data)) {
            assertRecovered(acknowledged, reopened.openCollection("ns", "docs"));
        }
    }

    @Test
    @BMRule(name = "ENOSPC on the first chunk", targetClass = WRITER, targetMethod = "writeChunk",
            targetLocation = "AT ENTRY", condition = STRIKE,
            action = "throw new java.io.IOException(\"No space left on device\")")
    void diskFullOnTheFirstChunk() throws IOException {
        assertSurvives(SaveStep.WRITE, false, 1);
    }

    @Test
    @BMRule(name = "ENOSPC on the payload chunk", targetClass = WRITER, targetMethod = "writeChunk",
            targetLocation = "AT ENTRY", condition = STRIKE,
            action = "throw new java.io.IOException(\"No space left on device\")")
    void diskFullOnTheSecondChunk() throws IOException {
        assertSurvives(SaveStep.WRITE, false, 2);
    }

    @Test
    @BMRule(name = "EIO on force", targetClass = WRITER, targetMethod = "forceFile",
            targetLocation = "AT ENTRY", condition = STRIKE,
            action = "throw new java.io.IOException(\"Input/output error\")")
    void fileForceFails() throws IOException {
        assertSurvives(SaveStep.FORCE_FILE, false, 1);
    }

    @Test
    @BMRule(name = "move fails", targetClass = WRITER, targetMethod = "moveIntoPlace",
            targetLocation = "AT ENTRY", condition = STRIKE,
            action = "throw new java.nio.file.AtomicMoveNotSupportedException($1.toString(), $2.toString(), "
                    + "\"injected\")")
    void moveFails() throws IOException {
        assertSurvives(SaveStep.MOVE, false, 1);
    }

    @Test
    @BMRule(name = "directory force fails", targetClass = WRITER, targetMethod = "forceDirectory",
            targetLocation = "AT ENTRY", condition = "callerEquals(\"write\") && " + STRIKE,
            action = "throw new java.io.IOException(\"Input/output error\")")
    void directoryForceFails() throws IOException {
        // The new file is in place but not known durable, so the save is not committed; the log still covers it.
        assertSurvives(SaveStep.FORCE_DIRECTORY, true, 1);
    }

    @Test
    @BMRule(name = "ENOSPC in the very first save", targetClass = WRITER, targetMethod = "writeChunk",
            targetLocation = "AT ENTRY", condition = STRIKE,
            action = "throw new java.io.IOException(\"No space left on device\")")
    void aFailedFirstSaveCreatesNoTargetAndTheLogStillRecovers() throws IOException {
        SQLiteVectorStore store = SQLiteVectorStore.open(data, new StoreOptions(1000, null));
        VectorCollection docs = fiveRecords(store);
        FaultSwitch.arm(2);
        assertThrows(IndexSaveException.class, docs::saveIndex);
        assertTrue(Files.notExists(docs.indexPath()), "no target is created when the first save fails");
        assertEquals(List.of(), StaleTemps.find(docs.indexPath()));
        assertTrue(!docs.status().indexSaved());
        Map<UUID, List<Float>> acknowledged = contents(docs);
        assertRecoversAfterACrash(store, acknowledged);
    }

    @Test
    @BMRule(name = "ENOSPC mid-write in DIRECT mode", targetClass = WRITER, targetMethod = "writeChunk",
            targetLocation = "AT ENTRY", condition = STRIKE,
            action = "throw new java.io.IOException(\"No space left on device\")")
    void directModeLeavesATornIndexThatNoLongerLoads() throws IOException {
        SQLiteVectorStore store = storeWithUnsavedChanges(PersistenceMode.DIRECT);
        VectorCollection docs = store.openCollection("ns", "docs");
        FaultSwitch.arm(2);
        assertThrows(IndexSaveException.class, docs::saveIndex);
        store.abandon();

        try (SQLiteVectorStore reopened = SQLiteVectorStore.open(data)) {
            IndexLoadError error = assertThrows(IndexLoadError.class, () -> reopened.openCollection("ns", "docs"));
            assertInstanceOf(CorruptIndexException.class, error.getCause(), "the torn file fails verification");
        }
    }

    /**
     * An upsert whose applied mark fails (an I/O error in SQLite after its change committed) succeeds, and the save
     * that holds it forgets it: before, its row outlived the save, and its replay after a crash brought back a record
     * deleted in the meantime (found by the gate's crash points below the JVM).
     */
    @Test
    @BMRule(name = "the applied mark fails", targetClass = "io.indexgate.store.PendingLog",
            targetMethod = "markApplied", targetLocation = "AT ENTRY", condition = STRIKE,
            action = "throw new java.sql.SQLException(\"[SQLITE_FULL] database or disk is full\")")
    void anOperationWhoseMarkFailedDoesNotOutliveTheSaveThatHoldsIt() throws IOException {
        SQLiteVectorStore store = SQLiteVectorStore.open(data, new StoreOptions(1000, null));
        VectorCollection docs = fiveRecords(store);
        docs.saveIndex();
        FaultSwitch.arm(1);
        docs.upsert(List.of(record(5), record(6)));
        docs.delete(List.of(record(6).uuid()));
        docs.saveIndex();
        assertEquals(0, docs.status().pendingOperations(), "the save forgot every operation its index holds");
        Map<UUID, List<Float>> acknowledged = contents(docs);
        assertEquals(6, acknowledged.size());
        assertRecoversAfterACrash(store, acknowledged);
    }

    /** An engine that fails to apply a committed upsert is replayed from the log before the next save. */
    @Test
    @BMRule(name = "the engine fails once", targetClass = "io.indexgate.store.Replay", targetMethod = "apply",
            targetLocation = "AT ENTRY", condition = STRIKE,
            action = "throw new IllegalStateException(\"injected engine failure\")")
    void anEngineThatFailedIsReplayedBeforeTheNextSave() throws IOException {
        SQLiteVectorStore store = SQLiteVectorStore.open(data, new StoreOptions(1000, null));
        VectorCollection docs = fiveRecords(store);
        FaultSwitch.arm(1);
        docs.upsert(List.of(record(5)));
        docs.saveIndex();
        Map<UUID, List<Float>> acknowledged = contents(docs);
        assertEquals(6, acknowledged.size());
        assertEngineMatchesRecordsOf(docs);
        assertRecoversAfterACrash(store, acknowledged);
    }

    private static void assertEngineMatchesRecordsOf(VectorCollection docs) {
        assertTrue(docs.checkConsistency().consistent(), "the engine caught up: " + docs.checkConsistency());
    }

    /** A new collection of this engine in {@code store} holding records 0-4, unsaved. */
    private VectorCollection fiveRecords(SQLiteVectorStore store) {
        VectorCollection docs = store.createCollection("ns", "docs", new CollectionConfig(CONFIG.dimensions(),
                CONFIG.metric(), engine(), CONFIG.indexedProperties()));
        docs.upsert(IntStream.range(0, 5).mapToObj(StoreFixtures::record).toList());
        return docs;
    }

    /** Abandons {@code store} (a crash), disarms the fault, reopens: exactly {@code acknowledged} is there. */
    private void assertRecoversAfterACrash(SQLiteVectorStore store, Map<UUID, List<Float>> acknowledged) {
        store.abandon();
        FaultSwitch.disarm();
        try (SQLiteVectorStore reopened = SQLiteVectorStore.open(data)) {
            assertRecovered(acknowledged, reopened.openCollection("ns", "docs"));
        }
    }
}
