package io.indexgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.engine.SimilarityMetric;
import io.indexgate.harness.cli.IndexgateCli;
import io.indexgate.store.CollectionConfig;
import io.indexgate.store.SQLiteVectorStore;
import io.indexgate.store.VectorCollection;
import io.indexgate.store.VectorRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code indexgate inspect} through the real CLI: read-only (the directory is the same byte for byte afterwards,
 * pending operations and stale temps included, and it works while the directory is owned), and a consistency check
 * that exits 1 on a doctored directory, 3 on an unloadable index and 2 where there is no store.
 */
class InspectCommandTest {

    private static final CollectionConfig CONFIG = CollectionConfig.of(3, SimilarityMetric.COSINE, "hnswlib");

    @TempDir
    Path data;

    private record Outcome(int exitCode, String output) {
    }

    private Outcome inspect() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = IndexgateCli.execute("inspect", "--data-dir", data.toString());
            return new Outcome(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    /** A crashed store: saved records 1-6, then unsaved changes in the pending log, and a stale temp. */
    private VectorCollection populate(SQLiteVectorStore store) throws IOException {
        VectorCollection docs = store.createCollection("app", "docs", CONFIG);
        for (int i = 1; i <= 6; i++) {
            docs.upsert(List.of(VectorRecord.of(new UUID(5, i), new float[] {i, 1, i % 3 + 1})));
        }
        docs.saveIndex();
        docs.upsert(List.of(VectorRecord.of(new UUID(5, 7), new float[] {7, 2, 1})));
        docs.delete(List.of(new UUID(5, 2)));
        Files.write(docs.indexPath().resolveSibling(docs.indexPath().getFileName() + ".0123456789abcdef.tmp"),
                new byte[] {4, 2});
        return docs;
    }

    private Map<String, String> contents() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(data)) {
            for (Path path : paths.toList()) {
                files.put(data.relativize(path).toString(),
                        Files.isDirectory(path) ? "directory" : HexFormat.of().formatHex(Files.readAllBytes(path)));
            }
        }
        return files;
    }

    private void sql(String statement) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("store.db"));
             Statement sql = connection.createStatement()) {
            sql.execute(statement);
        }
    }

    @Test
    void aCrashedStoreIsConsistentAndUnchangedByInspection() throws IOException {
        SQLiteVectorStore store = SQLiteVectorStore.open(data);
        populate(store);
        store.abandon();
        Map<String, String> before = contents();

        Outcome outcome = inspect();

        assertEquals(0, outcome.exitCode(), outcome.output());
        assertTrue(outcome.output().contains("6 records, 2 pending operations replayed in memory, 6 vectors"),
                outcome.output());
        assertTrue(outcome.output().contains("stale temps 1") && outcome.output().contains("consistent"),
                outcome.output());
        assertEquals(before, contents(), "inspect changed the data directory");
    }

    @Test
    void aDirectoryOwnedByALiveStoreIsInspectedAndNamesItsOwner() throws IOException {
        try (SQLiteVectorStore owner = SQLiteVectorStore.open(data)) {
            populate(owner);
            Outcome outcome = inspect();
            assertEquals(0, outcome.exitCode(), outcome.output());
            assertTrue(outcome.output().startsWith("in use by PID " + ProcessHandle.current().pid()),
                    outcome.output());
            owner.openCollection("app", "docs").upsert(List.of(VectorRecord.of(new UUID(5, 8),
                    new float[] {1, 2, 3})));
        }
    }

    @Test
    void aRecordDeletedBehindTheStoresBackIsAnInconsistency() throws Exception {
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            populate(store);
        }
        assertEquals(0, inspect().exitCode(), "consistent before the doctoring");
        sql("DELETE FROM records_1 WHERE uuid = '" + new UUID(5, 3) + "'");

        Outcome outcome = inspect();

        assertEquals(1, outcome.exitCode(), outcome.output());
        assertTrue(outcome.output().contains("INCONSISTENT")
                && outcome.output().contains("1 engine keys with no record in SQLite"), outcome.output());
    }

    @Test
    void aVectorChangedBehindTheStoresBackIsAnInconsistency() throws Exception {
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            populate(store);
        }
        sql("UPDATE records_1 SET vector = (SELECT vector FROM records_1 WHERE uuid = '" + new UUID(5, 1)
                + "') WHERE uuid = '" + new UUID(5, 4) + "'");

        Outcome outcome = inspect();

        assertEquals(1, outcome.exitCode(), outcome.output());
        assertTrue(outcome.output().contains("records whose vector in the engine differs from SQLite's: ["
                + new UUID(5, 4)), outcome.output());
    }

    @Test
    void anUnloadableIndexExitsThreeAndNoStoreExitsTwo() throws IOException {
        assertEquals(2, inspect().exitCode(), "no store.db");
        Path index;
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            index = populate(store).indexPath();
        }
        Files.write(index, new byte[] {1, 2, 3});
        Outcome outcome = inspect();
        assertEquals(3, outcome.exitCode(), outcome.output());
        assertTrue(outcome.output().contains("CANNOT LOAD"), outcome.output());
    }
}
