package io.indexgate.persist;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

/** Small envelopes for persistence tests. */
final class EnvelopeFixtures {

    static final ExpectedIndex EXPECTED = new ExpectedIndex("exact", "cosine", 4);

    private EnvelopeFixtures() {
    }

    static ByteBuffer payload(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return ByteBuffer.wrap(bytes);
    }

    static List<ByteBuffer> framed(ByteBuffer payload) {
        return IndexEnvelope.frame(new EnvelopeHeader("exact", "cosine", 4, payload.remaining() / 24,
                payload.remaining()), payload);
    }

    static byte[] bytesOf(List<ByteBuffer> content) {
        int length = content.stream().mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer all = ByteBuffer.allocate(length);
        content.forEach(buffer -> all.put(buffer.duplicate()));
        return all.array();
    }

    /**
     * A copy of a framed file whose header carries {@code version}, with the footer's CRC32C recomputed, so that the
     * version is the only thing wrong with it.
     */
    static byte[] withVersion(byte[] file, int version) {
        ByteBuffer copy = ByteBuffer.wrap(file.clone()).order(ByteOrder.BIG_ENDIAN);
        copy.putInt(4, version);
        int footerAt = file.length - IndexEnvelope.FOOTER_LENGTH;
        CRC32C crc = new CRC32C();
        crc.update(copy.array(), 0, footerAt);
        copy.putInt(footerAt, (int) crc.getValue());
        return copy.array();
    }

    static byte[] remaining(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
