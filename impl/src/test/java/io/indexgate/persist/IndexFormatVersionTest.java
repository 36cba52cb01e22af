package io.indexgate.persist;

import static io.indexgate.persist.EnvelopeFixtures.EXPECTED;
import static io.indexgate.persist.EnvelopeFixtures.bytesOf;
import static io.indexgate.persist.EnvelopeFixtures.framed;
import static io.indexgate.persist.EnvelopeFixtures.payload;
import static io.indexgate.persist.EnvelopeFixtures.remaining;
import static io.indexgate.testing.EnvelopeVersions.withVersion;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.testing.Jimfs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Files that differ from a valid one only in their format version (the CRC32C is recomputed around it). */
class IndexFormatVersionTest {

    private Path target;
    private ByteBuffer payload;
    private byte[] valid;

    @BeforeEach
    void setUp() {
        target = Jimfs.newIndexDirectory().resolve("ns.docs.exact.index");
        payload = payload(24 * 3, 5);
        valid = bytesOf(framed(payload));
    }

    @Test
    void craftedFileOfTheCurrentVersionReads() throws IOException {
        // The control: the crafting itself yields a readable file, so the failures below are the version's alone.
        Files.write(target, withVersion(valid, EnvelopeHeader.FORMAT_VERSION));
        assertArrayEquals(remaining(payload), remaining(IndexFileReader.read(target, EXPECTED).payload()));
    }

    @Test
    void newerVersionIsTooNewAndNamesFileVersionAndRange() throws IOException {
        int newer = EnvelopeHeader.FORMAT_VERSION + 1;
        Files.write(target, withVersion(valid, newer));

        IndexFormatTooNewException failure = assertThrows(IndexFormatTooNewException.class,
                () -> IndexFileReader.read(target, EXPECTED));
        assertEquals(newer, failure.version());
        assertEquals(EnvelopeHeader.MIN_SUPPORTED_VERSION, failure.minSupported());
        assertEquals(EnvelopeHeader.FORMAT_VERSION, failure.maxSupported());
        assertEquals(target.toString(), failure.source());
        assertTrue(failure.getMessage().contains(target.toString()), failure.getMessage());
        assertTrue(failure.getMessage().contains("format version " + newer + ", newer"), failure.getMessage());
        assertTrue(failure.getMessage().contains("reads versions " + EnvelopeHeader.MIN_SUPPORTED_VERSION + " to "
                + EnvelopeHeader.FORMAT_VERSION), failure.getMessage());
        assertInstanceOf(CorruptIndexException.class, failure, "existing handlers of unreadable files still catch it");
    }

    @Test
    void farFutureVersionIsTooNewToo() throws IOException {
        Files.write(target, withVersion(valid, Integer.MAX_VALUE));
        assertEquals(Integer.MAX_VALUE, assertThrows(IndexFormatTooNewException.class,
                () -> IndexFileReader.read(target, EXPECTED)).version());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void versionBelowTheRangeIsTooOld(int version) throws IOException {
        Files.write(target, withVersion(valid, version));

        IndexFormatTooOldException failure = assertThrows(IndexFormatTooOldException.class,
                () -> IndexFileReader.read(target, EXPECTED));
        assertEquals(version, failure.version());
        assertTrue(failure.getMessage().contains("format version " + version + ", older"), failure.getMessage());
        assertTrue(failure.getMessage().contains(target.toString()), failure.getMessage());
    }

    @Test
    void versionIsCheckedBeforeTheFieldsItMayReshape() throws IOException {
        // A newer format may lay out the rest differently: its engine id field must not be judged by today's rules.
        byte[] newer = withVersion(valid, EnvelopeHeader.FORMAT_VERSION + 1);
        newer[8] = 0;
        Files.write(target, newer);
        assertThrows(IndexFormatTooNewException.class, () -> IndexFileReader.read(target, EXPECTED));
    }
}
