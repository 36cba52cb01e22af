package io.indexgate.persist;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

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
     * The payload as {@link IndexFileReader#openVerified} streams it, read to its end and finished: what an engine
     * that decodes streams gets, or the same exceptions as {@link IndexFileReader#read}.
     */
    static byte[] streamed(java.nio.file.Path target) throws java.io.IOException {
        try (VerifiedStream stream = IndexFileReader.openVerified(target, EXPECTED)) {
            byte[] payload = stream.payload().readAllBytes();
            stream.finish();
            return payload;
        }
    }

    static byte[] remaining(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
