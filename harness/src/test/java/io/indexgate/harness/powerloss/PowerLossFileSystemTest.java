package io.indexgate.harness.powerloss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.engine.SimilarityMetric;
import io.indexgate.persist.AtomicIndexWriter;
import io.indexgate.persist.EnvelopeHeader;
import io.indexgate.persist.ExpectedIndex;
import io.indexgate.persist.IndexEnvelope;
import io.indexgate.persist.IndexFileReader;
import io.indexgate.testing.PersistenceMode;
import io.indexgate.store.CollectionConfig;
import io.indexgate.store.IndexLoadError;
import io.indexgate.store.SQLiteVectorStore;
import io.indexgate.store.StoreOptions;
import io.indexgate.store.VectorCollection;
import io.indexgate.store.VectorRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pessimistic power-loss model: after a cut, only forced file data under forced directory entries survives. */
class PowerLossFileSystemTest {

    @TempDir
    Path durable;

    /** {@code /indexes}, created durably: its entry in the root forced. */
    private Path directory(PowerLossFileSystem fileSystem) throws IOException {
        Path directory = Files.createDirectories(fileSystem.getPath("/indexes"));
        AtomicIndexWriter.forceDirectory(directory.getParent());
        return directory;
    }

    /** A power cut: the volatile view is gone, the next process sees the durable state. */
    private PowerLossFileSystem cut(PowerLossFileSystem before) throws IOException {
        before.close();
        return PowerLossFileSystem.open(durable);
    }

    private static void write(Path file, byte[] bytes, boolean force) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(bytes));
            if (force) {
                channel.force(true);
            }
        }
    }

    @Test
    void unforcedDataDoesNotSurviveEvenUnderADurableName() throws IOException {
        PowerLossFileSystem fileSystem = PowerLossFileSystem.open(durable);
        Path file = directory(fileSystem).resolve("a");
        write(file, new byte[] {1, 2, 3}, false);
        AtomicIndexWriter.forceDirectory(file.getParent());
        fileSystem = cut(fileSystem);
        assertArrayEquals(new byte[0], Files.readAllBytes(fileSystem.getPath("/indexes/a")));
    }

    @Test
    void aNewDirectoryWhoseParentWasNotForcedIsGoneWithEverythingInIt() throws IOException {
        PowerLossFileSystem fileSystem = PowerLossFileSystem.open(durable);
        Path created = Files.createDirectories(fileSystem.getPath("/indexes"));
        write(created.resolve("a"), new byte[] {1}, true);
        AtomicIndexWriter.forceDirectory(created);
        fileSystem = cut(fileSystem);
        assertFalse(Files.exists(fileSystem.getPath("/indexes")), "its entry in / was never forced");

        created = Files.createDirectories(fileSystem.getPath("/indexes"));
        write(created.resolve("a"), new byte[] {1}, true);
        AtomicIndexWriter.forceDirectory(created);
        AtomicIndexWriter.forceDirectory(created.getParent());
        fileSystem = cut(fileSystem);
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(fileSystem.getPath("/indexes/a")),
                "with the parent forced, the directory and its forced entries survive");
    }

    @Test
    void aForcedFileWithoutADirectoryForceIsGone() throws IOException {
        PowerLossFileSystem fileSystem = PowerLossFileSystem.open(durable);
        write(directory(fileSystem).resolve("a"), new byte[] {1}, true);
        fileSystem = cut(fileSystem);
        assertFalse(Files.exists(fileSystem.getPath("/indexes/a")));
    }

    @Test
    void aRenameWithoutADirectoryForceRevertsAndWithOneSticks() throws IOException {
        PowerLossFileSystem fileSystem = PowerLossFileSystem.open(durable);
        Path target = directory(fileSystem).resolve("target");
        write(target, new byte[] {1}, true);
        AtomicIndexWriter.forceDirectory(target.getParent());
        Path temp = target.resolveSibling("temp");
        write(temp, new byte[] {2}, true);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertArrayEquals(new byte[] {2}, Files.readAllBytes(target), "the volatile view has the rename");

        fileSystem = cut(fileSystem);
        Path afterCut = fileSystem.getPath("/indexes/target");
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(afterCut), "the unforced rename is lost");

        write(afterCut.resolveSibling("temp"), new byte[] {3}, true);
        Files.move(afterCut.resolveSibling("temp"), afterCut, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        AtomicIndexWriter.forceDirectory(afterCut.getParent());
        fileSystem = cut(fileSystem);
        assertArrayEquals(new byte[] {3}, Files.readAllBytes(fileSystem.getPath("/indexes/target")));
        assertFalse(Files.exists(fileSystem.getPath("/indexes/temp")));
    }

    private static List<ByteBuffer> envelope(int value) {
        ByteBuffer payload = ByteBuffer.allocate(24);
        payload.putInt(0, value);
        return IndexEnvelope.frame(new EnvelopeHeader("exact", "cosine", 4, 1, 24), payload);
    }

    private static int readBack(Path target) throws IOException {
        return IndexFileReader.read(target, new ExpectedIndex("exact", "cosine", 4)).payload().getInt(0);
    }

    @Test
    void theAtomicProtocolSurvivesACutAndTheWeakerModesDoNot() throws IOException {
        PowerLossFileSystem fileSystem = PowerLossFileSystem.open(durable);
        Path target = directory(fileSystem).resolve("x.index");
        AtomicIndexWriter.write(target, envelope(1));
        fileSystem = cut(fileSystem);
        assertEquals(1, readBack(fileSystem.getPath("/indexes/x.index")));

        try {
            PersistenceMode.install(PersistenceMode.ATOMIC_NO_DIR_SYNC);
            AtomicIndexWriter.write(fileSystem.getPath("/indexes/x.index"), envelope(2));
            fileSystem = cut(fileSystem);
            assertEquals(1, readBack(fileSystem.getPath("/indexes/x.index")),
                    "without the directory force: the old file");

            PersistenceMode.install(PersistenceMode.ATOMIC_NO_FILE_SYNC);
            AtomicIndexWriter.write(fileSystem.getPath("/indexes/x.index"), envelope(3));
            fileSystem = cut(fileSystem);
        } finally {
            PersistenceMode.install(PersistenceMode.ATOMIC);
        }
        Path garbage = fileSystem.getPath("/indexes/x.index");
        assertThrows(io.indexgate.persist.CorruptIndexException.class, () -> readBack(garbage),
                "without the file force: a durable name over bytes that never reached the disk");
    }

    @Test
    void theStoreRecoversEveryAcknowledgedWriteAfterACutInAtomicModeOnly() throws IOException {
        CollectionConfig config = CollectionConfig.of(2, SimilarityMetric.DOT, "hnswlib");
        for (PersistenceMode mode : List.of(PersistenceMode.ATOMIC, PersistenceMode.ATOMIC_NO_DIR_SYNC)) {
            Path data = durable.resolve(mode.cliName());
            PowerLossFileSystem fileSystem = PowerLossFileSystem.open(data.resolve("durable"));
            SQLiteVectorStore store = SQLiteVectorStore.open(data, new StoreOptions(1000,
                    fileSystem.getPath("/indexes")));
            PersistenceMode.install(mode);
            try {
                VectorCollection docs = store.createCollection("ns", "docs", config);
                docs.upsert(List.of(VectorRecord.of(new UUID(1, 1), new float[] {1, 0})));
                docs.saveIndex();
                docs.upsert(List.of(VectorRecord.of(new UUID(1, 2), new float[] {0, 1})));
                docs.saveIndex();
            } finally {
                PersistenceMode.install(PersistenceMode.ATOMIC);
            }
            fileSystem.close(); // the cut: SQLite's committed state survives, the index directory only as forced
            store.abandon();

            PowerLossFileSystem after = PowerLossFileSystem.open(data.resolve("durable"));
            try (SQLiteVectorStore reopened = SQLiteVectorStore.open(data, new StoreOptions(1000,
                    after.getPath("/indexes")))) {
                if (mode == PersistenceMode.ATOMIC) {
                    assertEquals(2, reopened.openCollection("ns", "docs").status().engineSize());
                } else {
                    IndexLoadError error = assertThrows(IndexLoadError.class,
                            () -> reopened.openCollection("ns", "docs"));
                    assertInstanceOf(NoSuchFileException.class, error.getCause(),
                            "the rename was never durable: " + error.getMessage());
                }
            }
        }
    }

    @Test
    void pathsOfTheSimulationHaveNoJavaIoFile() throws IOException {
        PowerLossFileSystem fileSystem = PowerLossFileSystem.open(durable);
        assertThrows(UnsupportedOperationException.class, () -> directory(fileSystem).toFile());
        assertTrue(directory(fileSystem).getFileSystem() == fileSystem);
    }
}
