package io.indexgate.persist;

import static io.indexgate.persist.EnvelopeFixtures.EXPECTED;
import static io.indexgate.persist.EnvelopeFixtures.bytesOf;
import static io.indexgate.persist.EnvelopeFixtures.framed;
import static io.indexgate.persist.EnvelopeFixtures.payload;
import static io.indexgate.persist.EnvelopeFixtures.remaining;
import static io.indexgate.persist.EnvelopeFixtures.streamed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streamed read of {@link IndexFileReader#openVerified}: payloads that span its chunks, a decoder that stops
 * early, and a file that changes between its two passes (refused), or is replaced by a rename (not seen).
 */
class VerifiedStreamTest {

    @TempDir
    Path directory;

    private static final int LARGE = 2 * VerifiedStream.CHUNK_BYTES + 12_345;

    @Test
    void aPayloadOfSeveralChunksStreamsAsTheWholeReadHoldsIt() throws IOException {
        Path target = write(payload(LARGE, 3));
        byte[] whole = remaining(IndexFileReader.read(target, EXPECTED).payload());
        // Single bytes and arrays of odd lengths, across the chunk boundaries.
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try (VerifiedStream stream = IndexFileReader.openVerified(target, EXPECTED)) {
            assertEquals(LARGE, stream.header().payloadLength());
            InputStream in = stream.payload();
            byte[] piece = new byte[70_001];
            for (int b = in.read(); b >= 0; b = in.read()) {
                read.write(b);
                int count = in.read(piece, 0, piece.length);
                if (count < 0) {
                    break;
                }
                read.write(piece, 0, count);
            }
            assertEquals(-1, in.read(), "the payload ends where the footer starts");
            assertEquals(-1, in.read(piece, 0, 1));
            stream.finish();
        }
        assertArrayEquals(whole, read.toByteArray());
        assertArrayEquals(whole, streamed(target));
    }

    @Test
    void aDecoderThatStopsEarlyStillHasTheRestVerified() throws IOException {
        Path target = write(payload(LARGE, 4));
        try (VerifiedStream stream = IndexFileReader.openVerified(target, EXPECTED)) {
            assertEquals(100, stream.payload().readNBytes(100).length);
            stream.finish();
            stream.finish();
        }
        // The same early stop over a file whose last payload byte changed after the first pass: finish reads it.
        try (VerifiedStream stream = IndexFileReader.openVerified(target, EXPECTED)) {
            assertEquals(100, stream.payload().readNBytes(100).length);
            try (RandomAccessFile file = new RandomAccessFile(target.toFile(), "rw")) {
                long last = EnvelopeHeader.LENGTH + LARGE - 1;
                file.seek(last);
                int old = file.read();
                file.seek(last);
                file.write(old ^ 1);
            }
            assertThrows(CorruptIndexException.class, stream::finish);
        }
    }

    @Test
    void aFileRewrittenInPlaceBetweenThePassesIsRefused() throws IOException {
        // In chunks not yet read when the file changes (a change to bytes already read does not reach the decoder).
        for (long at : new long[] {EnvelopeHeader.LENGTH + VerifiedStream.CHUNK_BYTES + 10,
                EnvelopeHeader.LENGTH + LARGE - 1}) {
            Path target = write(payload(LARGE, 5));
            try (VerifiedStream stream = IndexFileReader.openVerified(target, EXPECTED)) {
                stream.payload().readNBytes(50);
                try (RandomAccessFile file = new RandomAccessFile(target.toFile(), "rw")) {
                    file.seek(at);
                    int old = file.read();
                    file.seek(at);
                    file.write(old ^ 0x40);
                }
                CorruptIndexException refused = assertThrows(CorruptIndexException.class, () -> {
                    stream.payload().readAllBytes();
                    stream.finish();
                }, "a byte changed at " + at);
                assertTrue(refused.getMessage().contains("changed while it was being loaded"), refused.getMessage());
            }
        }
    }

    @Test
    void aFileRenamedOverTheTargetMeanwhileIsNotSeen() throws IOException {
        byte[] first = remaining(payload(LARGE, 6));
        Path target = write(ByteBuffer.wrap(first));
        Path replacement = directory.resolve("replacement");
        Files.write(replacement, bytesOf(framed(payload(LARGE, 7))));
        try (VerifiedStream stream = IndexFileReader.openVerified(target, EXPECTED)) {
            Files.move(replacement, target, StandardCopyOption.ATOMIC_MOVE);
            byte[] read = stream.payload().readAllBytes();
            stream.finish();
            assertArrayEquals(first, read, "the open file is read, not the new one under its name");
        }
    }

    @Test
    void theVerificationFailsBeforeAnyPayloadIsHandedOut() throws IOException {
        byte[] file = bytesOf(framed(payload(LARGE, 8)));
        file[file.length - 20] ^= 1;
        Path target = directory.resolve("ns.docs.exact.index");
        Files.write(target, file);
        CorruptIndexException refused = assertThrows(CorruptIndexException.class,
                () -> IndexFileReader.openVerified(target, EXPECTED));
        assertTrue(refused.getMessage().contains("checksum mismatch"), refused.getMessage());
        assertTrue(!refused.getMessage().contains("changed while"), "the first pass names a plain mismatch");
        Files.write(target, Arrays.copyOf(file, 30));
        assertThrows(CorruptIndexException.class, () -> IndexFileReader.openVerified(target, EXPECTED));
    }

    private Path write(ByteBuffer payload) throws IOException {
        Path target = directory.resolve("ns.docs.exact.index");
        Files.write(target, bytesOf(framed(payload)));
        return target;
    }
}
