package io.indexgate.store;

import static io.indexgate.store.StoreFixtures.CONFIG;
import static io.indexgate.store.StoreFixtures.record;
import static io.indexgate.store.StoreFixtures.uuid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One owner per data directory: a second open is refused at once, in this JVM and from another process, and naming
 * the holder; the lock dies with its owner (SIGKILL included), so a crashed owner never blocks the next open.
 */
class DataDirectoryOwnerTest {

    @TempDir
    Path data;

    /** The killed owner's temp directory, removed by JUnit. */
    @TempDir
    Path ownerTemp;

    @Test
    void aSecondOpenInTheSameJvmIsRefusedUntilTheOwnerCloses() {
        SQLiteVectorStore owner = SQLiteVectorStore.open(data);
        DataDirectoryInUseException refused = assertThrows(DataDirectoryInUseException.class,
                () -> SQLiteVectorStore.open(data));
        assertTrue(refused.getMessage().contains(data.toString()), refused.getMessage());
        assertTrue(refused.holder().startsWith("PID " + ProcessHandle.current().pid() + " on "), refused.holder());

        owner.close();
        SQLiteVectorStore.open(data).close();
    }

    @Test
    void anAbandonedStoreReleasesTheDirectory() {
        SQLiteVectorStore.open(data).abandon();
        SQLiteVectorStore.open(data).close();
    }

    @Test
    void aFailedSecondOpenDoesNotReleaseTheOwnersLock() {
        try (SQLiteVectorStore owner = SQLiteVectorStore.open(data)) {
            assertThrows(DataDirectoryInUseException.class, () -> SQLiteVectorStore.open(data));
            assertThrows(DataDirectoryInUseException.class, () -> SQLiteVectorStore.open(data),
                    "the refused open must not have dropped the owner's claim");
            owner.createCollection("ns", "docs", CONFIG).upsert(List.of(record(1)));
        }
    }

    @Test
    void anotherProcessIsRefusedWhileTheOwnerLivesAndTheLockDiesWithItsProcess() throws Exception {
        // The owner is killed, so whatever it extracts into its temp directory (sqlite-jdbc's library) must go to a
        // directory this test removes, not to the machine's.
        Process owner = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + ownerTemp, "-cp", System.getProperty("java.class.path"),
                OwnerMain.class.getName(), data.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(owner.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = output.readLine();
            assertEquals(OwnerMain.READY, line, "the owner process did not get ready");

            DataDirectoryInUseException refused = assertThrows(DataDirectoryInUseException.class,
                    () -> SQLiteVectorStore.open(data));
            assertTrue(refused.holder().startsWith("PID " + owner.pid() + " on "), refused.holder());
            try (SQLiteVectorStore inspection = SQLiteVectorStore.openReadOnly(data, StoreOptions.defaults())) {
                assertTrue(inspection.ownerAtOpen().orElseThrow().startsWith("PID " + owner.pid()));
            }

            owner.destroyForcibly();
            assertTrue(owner.waitFor(30, TimeUnit.SECONDS));
            try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
                VectorCollection docs = store.openCollection("ns", "docs");
                assertEquals(List.of(uuid(1), uuid(2)), docs.get(List.of(uuid(1), uuid(2))).stream()
                        .map(VectorRecord::uuid).toList(), "the killed owner's acknowledged writes");
                ConsistencyReport consistency = docs.checkConsistency();
                assertTrue(consistency.consistent(), consistency.describe(5).toString());
                assertEquals(2, consistency.engineVectors());
            }
        } finally {
            owner.destroyForcibly();
            owner.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aReadOnlyInspectionOfAnUnownedDirectoryReportsNoOwnerAndLeavesItOpenable() {
        SQLiteVectorStore.open(data).close();
        try (SQLiteVectorStore inspection = SQLiteVectorStore.openReadOnly(data, StoreOptions.defaults())) {
            assertFalse(inspection.ownerAtOpen().isPresent());
            SQLiteVectorStore.open(data).close();
        }
    }

    /** A store owner in a child JVM: writes two records, says it is ready, and waits to be killed. */
    public static final class OwnerMain {
        static final String READY = "ready";

        public static void main(String[] args) throws IOException {
            SQLiteVectorStore store = SQLiteVectorStore.open(Path.of(args[0]));
            store.createCollection("ns", "docs", CONFIG).upsert(List.of(record(1), record(2)));
            System.out.println(READY);
            System.out.flush();
            while (System.in.read() >= 0) {
                continue;
            }
            store.close();
        }
    }
}
