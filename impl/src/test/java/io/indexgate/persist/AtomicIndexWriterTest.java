package io.indexgate.persist;

import static io.indexgate.persist.EnvelopeFixtures.EXPECTED;
import static io.indexgate.persist.EnvelopeFixtures.bytesOf;
import static io.indexgate.persist.EnvelopeFixtures.framed;
import static io.indexgate.persist.EnvelopeFixtures.payload;
import static io.indexgate.persist.EnvelopeFixtures.remaining;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.testing.PersistenceMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AtomicIndexWriterTest {

    // A real directory: the protocol forces the directory, which jimfs cannot open as a channel.
    @TempDir
    Path directory;
    private Path target;

    @BeforeEach
    void setUp() {
        target = directory.resolve("ns.docs.exact.index");
    }

    @ParameterizedTest
    @EnumSource(PersistenceMode.class)
    void savedFileReadsBackVerifiedInEveryMode(PersistenceMode mode) throws IOException {
        ByteBuffer payload = payload(24 * 100, 1);
        PersistenceMode.install(mode);
        try {
            AtomicIndexWriter.write(target, framed(payload));
        } finally {
            PersistenceMode.install(PersistenceMode.ATOMIC);
        }

        VerifiedIndex read = IndexFileReader.read(target, EXPECTED);
        assertArrayEquals(remaining(payload), remaining(read.payload()));
        assertEquals(100, read.header().entryCount());
        assertEquals(List.of(target), filesIn(directory), "nothing but the target is left");
    }

    @Test
    void secondSaveReplacesTheFirstWhole() throws IOException {
        AtomicIndexWriter.write(target, framed(payload(24 * 1000, 1)));
        ByteBuffer second = payload(24 * 10, 2);
        AtomicIndexWriter.write(target, framed(second));

        assertArrayEquals(bytesOf(framed(second)), Files.readAllBytes(target));
    }

    @Test
    void contentLargerThanOneChunkIsWrittenWhole() throws IOException {
        ByteBuffer payload = payload(3 * AtomicIndexWriter.MAX_CHUNK_BYTES + 24 * 7, 3);
        AtomicIndexWriter.write(target, framed(payload));

        assertArrayEquals(bytesOf(framed(payload)), Files.readAllBytes(target));
    }

    @Test
    void failedCreateOfTheTempNamesTheTargetAndLeavesNothing() {
        Path missingDirectory = directory.resolve("missing/ns.docs.exact.index");
        IndexSaveException failure = assertThrows(IndexSaveException.class,
                () -> AtomicIndexWriter.write(missingDirectory, framed(payload(24, 1))));
        assertEquals(SaveStep.CREATE_TEMP, failure.step());
        assertTrue(failure.getMessage().contains(missingDirectory.toString()), failure.getMessage());
    }

    @Test
    void staleTempsOfTheTargetAreClearedAndForeignFilesLeftAlone() throws IOException {
        AtomicIndexWriter.write(target, framed(payload(24, 1)));
        Path stale = Files.write(directory.resolve("ns.docs.exact.index.0123456789abcdef.tmp"), new byte[] {1});
        Path otherTargetsTemp = Files.write(directory.resolve("ns.other.exact.index.0123456789abcdef.tmp"),
                new byte[] {1});
        Path notOurPattern = Files.write(directory.resolve("ns.docs.exact.index.backup.tmp"), new byte[] {1});
        Path userFile = Files.write(directory.resolve("notes.txt"), new byte[] {1});

        IndexFileReader.read(target, EXPECTED);
        assertTrue(Files.exists(stale), "reading an index changes nothing on disk");

        assertEquals(1, StaleTemps.clear(target));
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(otherTargetsTemp));
        assertTrue(Files.exists(notOurPattern));
        assertTrue(Files.exists(userFile));
    }

    @Test
    void missingTargetIsReportedAsMissing() {
        assertThrows(NoSuchFileException.class, () -> IndexFileReader.read(target, EXPECTED));
    }

    @Test
    void fileOfAnotherEngineMetricOrDimensionIsRejectedByName() throws IOException {
        AtomicIndexWriter.write(target, framed(payload(24, 1)));

        assertRejected(new ExpectedIndex("hnswlib", "cosine", 4), "engine 'exact', expected engine 'hnswlib'");
        assertRejected(new ExpectedIndex("exact", "dot", 4), "metric is 'cosine', expected 'dot'");
        assertRejected(new ExpectedIndex("exact", "cosine", 8), "dimensions are 4, expected 8");
    }

    @Test
    void foreignFileIsRejectedAsNotOurs() throws IOException {
        Files.write(target, "{\"this is\": \"some other program's file\", \"long enough\": \"to hold an indexgate header and footer\"}".getBytes());
        CorruptIndexException failure = assertThrows(CorruptIndexException.class,
                () -> IndexFileReader.read(target, EXPECTED));
        assertTrue(failure.getMessage().contains("not an indexgate index file"), failure.getMessage());
    }

    @Test
    void zeroLengthFileIsRejected() throws IOException {
        Files.write(target, new byte[0]);
        assertThrows(CorruptIndexException.class, () -> IndexFileReader.read(target, EXPECTED));
    }

    private void assertRejected(ExpectedIndex expected, String reason) {
        CorruptIndexException failure = assertThrows(CorruptIndexException.class,
                () -> IndexFileReader.read(target, expected));
        assertTrue(failure.getMessage().contains(reason), failure.getMessage());
        assertTrue(failure.getMessage().contains(target.toString()), failure.getMessage());
    }

    static List<Path> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }
}
