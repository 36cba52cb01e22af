package io.indexgate.store;

import static io.indexgate.store.StoreFixtures.CONFIG;
import static io.indexgate.store.StoreFixtures.record;
import static io.indexgate.store.StoreFixtures.uuid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jboss.byteman.contrib.bmunit.BMRule;
import org.jboss.byteman.contrib.bmunit.BMUnitConfig;
import org.jboss.byteman.contrib.bmunit.WithByteman;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The negative control of the owner lock: with the lock pointed at a decoy directory of its own for each store (what
 * removing the lock amounts to), two stores open one data directory and an acknowledged write is lost from the index,
 * which is what {@link DataDirectoryOwnerTest} shows the lock prevents, and what the consistency check must report.
 */
@WithByteman
@BMUnitConfig(verbose = false) // works around BMUnit 5's teardown of classes without one (byteman PR #107)
class WithoutTheOwnerLockTest {

    @TempDir
    Path data;

    @Test
    @BMRule(name = "each store locks a decoy directory of its own",
            targetClass = "io.indexgate.store.DataDirectoryLock", targetMethod = "acquire",
            targetLocation = "AT ENTRY", condition = "!$1.getFileName().toString().startsWith(\"decoy\")",
            binding = "decoy : java.io.File = new java.io.File($1.toFile(), \"decoy-\" + System.nanoTime())",
            action = "decoy.mkdir(); return io.indexgate.store.DataDirectoryLock.acquire(decoy.toPath())")
    void twoOwnersLoseAnAcknowledgedWriteAndTheConsistencyCheckSeesIt() throws IOException {
        SQLiteVectorStore.open(data).close(); // creates the schema
        SQLiteVectorStore first = SQLiteVectorStore.open(data);
        SQLiteVectorStore second = SQLiteVectorStore.open(data);
        first.createCollection("ns", "docs", CONFIG);
        VectorCollection firstDocs = first.openCollection("ns", "docs");
        VectorCollection secondDocs = second.openCollection("ns", "docs");
        firstDocs.upsert(List.of(record(1)));
        secondDocs.upsert(List.of(record(2)));
        secondDocs.saveIndex(); // forgets the first store's pending upsert, which its index does not hold
        first.close(); // saves an index without record 2
        second.abandon();

        try (SQLiteVectorStore store = SQLiteVectorStore.openReadOnly(data, StoreOptions.defaults())) {
            ConsistencyReport report = store.openCollection("ns", "docs").checkConsistency();
            assertEquals(2, report.records());
            assertEquals(1, report.engineVectors());
            assertEquals(List.of(uuid(2)), report.missingFromEngine());
            assertFalse(report.consistent());
        }
    }
}
