package io.indexgate.persist;

import static io.indexgate.persist.EnvelopeFixtures.EXPECTED;
import static io.indexgate.persist.EnvelopeFixtures.bytesOf;
import static io.indexgate.persist.EnvelopeFixtures.framed;
import static io.indexgate.persist.EnvelopeFixtures.remaining;
import static io.indexgate.persist.EnvelopeFixtures.streamed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.indexgate.testing.Jimfs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * On jimfs: the envelope round-trips any payload, and no truncation or single-byte corruption gets past verification,
 * whether the file is read whole or streamed.
 */
class EnvelopeProperties {

    private final Path target = Jimfs.newIndexDirectory().resolve("ns.docs.exact.index");

    @Property(tries = 200)
    void anyPayloadRoundTrips(@ForAll @Size(max = 4096) byte[] payload) throws IOException {
        Files.write(target, bytesOf(framed(ByteBuffer.wrap(payload))));
        assertArrayEquals(payload, remaining(IndexFileReader.read(target, EXPECTED).payload()));
        assertArrayEquals(payload, streamed(target), "the streamed read gives the same bytes");
    }

    @Property(tries = 50)
    void everyTruncationIsDetected(@ForAll @Size(min = 1, max = 300) byte[] payload) throws IOException {
        byte[] file = bytesOf(framed(ByteBuffer.wrap(payload)));
        for (int length = 0; length < file.length; length++) {
            Files.write(target, Arrays.copyOf(file, length));
            assertThrows(CorruptIndexException.class, () -> IndexFileReader.read(target, EXPECTED),
                    "truncated to " + length + " of " + file.length + " bytes");
            assertThrows(CorruptIndexException.class, () -> streamed(target),
                    "streamed, truncated to " + length + " of " + file.length + " bytes");
        }
    }

    @Property(tries = 30)
    void everySingleByteCorruptionIsDetected(@ForAll @Size(min = 1, max = 200) byte[] payload,
                                             @ForAll @IntRange(min = 1, max = 255) int flip) throws IOException {
        byte[] file = bytesOf(framed(ByteBuffer.wrap(payload)));
        for (int at = 0; at < file.length; at++) {
            byte[] corrupt = file.clone();
            corrupt[at] ^= (byte) flip;
            Files.write(target, corrupt);
            int position = at;
            assertThrows(CorruptIndexException.class, () -> IndexFileReader.read(target, EXPECTED),
                    "byte " + position + " xor " + flip);
            assertThrows(CorruptIndexException.class, () -> streamed(target),
                    "streamed, byte " + position + " xor " + flip);
        }
    }

    @Property(tries = 100)
    void appendedBytesAreDetected(@ForAll("payloadAndTail") byte[][] payloadAndTail) throws IOException {
        byte[] file = bytesOf(framed(ByteBuffer.wrap(payloadAndTail[0])));
        byte[] extended = Arrays.copyOf(file, file.length + payloadAndTail[1].length);
        System.arraycopy(payloadAndTail[1], 0, extended, file.length, payloadAndTail[1].length);
        Files.write(target, extended);
        assertThrows(CorruptIndexException.class, () -> IndexFileReader.read(target, EXPECTED));
        assertThrows(CorruptIndexException.class, () -> streamed(target));
    }

    @Provide
    Arbitrary<byte[][]> payloadAndTail() {
        Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMaxSize(256);
        Arbitrary<byte[]> tail = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(64);
        return Combinators.combine(payload, tail).as((p, t) -> new byte[][] {p, t});
    }
}
