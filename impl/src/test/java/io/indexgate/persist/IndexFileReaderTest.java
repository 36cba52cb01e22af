package io.indexgate.persist;

import static io.indexgate.persist.EnvelopeFixtures.EXPECTED;
import static io.indexgate.persist.EnvelopeFixtures.bytesOf;
import static io.indexgate.persist.EnvelopeFixtures.framed;
import static io.indexgate.persist.EnvelopeFixtures.payload;
import static io.indexgate.testing.EnvelopeVersions.withVersion;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.indexgate.testing.Jimfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reading an index changes nothing on disk: stale temps are the store's recovery's to clear, not the reader's. */
class IndexFileReaderTest {

    private Path directory;
    private Path target;
    private Path staleTemp;

    @BeforeEach
    void setUp() throws IOException {
        directory = Jimfs.newIndexDirectory();
        target = directory.resolve("ns.docs.exact.index");
        staleTemp = Files.write(directory.resolve("ns.docs.exact.index.0123456789abcdef.tmp"), new byte[] {7, 7});
        Files.write(directory.resolve("notes.txt"), new byte[] {1});
    }

    @Test
    void readingAValidFileLeavesAStaleTempAndEveryOtherFileAlone() throws IOException {
        Files.write(target, bytesOf(framed(payload(24 * 4, 1))));
        Map<String, String> before = snapshot();

        IndexFileReader.read(target, EXPECTED);

        assertEquals(before, snapshot());
        assertEquals(List.of(staleTemp), StaleTemps.find(target), "the temp is still there to clear");
    }

    @Test
    void readingARejectedFileLeavesEverythingAlone() throws IOException {
        byte[] valid = bytesOf(framed(payload(24 * 4, 1)));
        Files.write(target, withVersion(valid, EnvelopeHeader.FORMAT_VERSION + 1));
        Map<String, String> before = snapshot();
        assertThrows(IndexFormatTooNewException.class, () -> IndexFileReader.read(target, EXPECTED));
        assertEquals(before, snapshot());

        byte[] flipped = valid.clone();
        flipped[EnvelopeHeader.LENGTH + 3] ^= 1;
        Files.write(target, flipped);
        before = snapshot();
        assertThrows(CorruptIndexException.class, () -> IndexFileReader.read(target, EXPECTED));
        assertEquals(before, snapshot());
    }

    @Test
    void readingAMissingTargetCreatesNothing() throws IOException {
        Map<String, String> before = snapshot();
        assertThrows(NoSuchFileException.class, () -> IndexFileReader.read(target, EXPECTED));
        assertEquals(before, snapshot());
    }

    /** Every file in the directory with its bytes. */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path entry : entries.toList()) {
                files.put(entry.getFileName().toString(), Arrays.toString(Files.readAllBytes(entry)));
            }
        }
        return files;
    }
}
