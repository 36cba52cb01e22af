package io.indexgate.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.engine.hnswlib.HnswlibVectorSearchEngine;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class HnswlibEngineTest extends EngineContractTest {

    @Override
    protected VectorSearchEngine create(EngineOptions options) {
        return new HnswlibVectorSearchEngine(options);
    }

    /**
     * A payload that passes the envelope (length, CRC32C) but is not an object stream fails as a corrupt file that
     * names the file and keeps the decoder's exception as its cause. (The cause used to be set twice, so this load
     * threw IllegalStateException instead.)
     */
    @Test
    void aVerifiedPayloadThatDoesNotDecodeIsACorruptFileWithItsCause(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        byte[] garbage = new byte[256];
        new java.util.Random(5).nextBytes(garbage);
        java.nio.ByteBuffer payload = java.nio.ByteBuffer.wrap(garbage);
        java.util.List<java.nio.ByteBuffer> framed = io.indexgate.persist.IndexEnvelope.frame(
                new io.indexgate.persist.EnvelopeHeader(HnswlibVectorSearchEngine.ENGINE_ID, "cosine", 4, 1,
                        garbage.length), payload);
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        for (java.nio.ByteBuffer part : framed) {
            byte[] bytes = new byte[part.remaining()];
            part.duplicate().get(bytes);
            file.write(bytes);
        }
        Path forged = java.nio.file.Files.write(dir.resolve("forged.index"), file.toByteArray());
        try (VectorSearchEngine engine = create(EngineOptions.of(4, SimilarityMetric.COSINE))) {
            engine.add(new long[] {9}, new float[][] {{1, 2, 3, 4}});
            io.indexgate.persist.CorruptIndexException failure = org.junit.jupiter.api.Assertions.assertThrows(
                    io.indexgate.persist.CorruptIndexException.class, () -> engine.load(forged));
            assertTrue(failure.getMessage().contains("forged.index")
                    && failure.getMessage().contains("cannot be decoded"), failure.getMessage());
            assertTrue(failure.getCause() instanceof IOException, "cause: " + failure.getCause());
            assertArrayEquals(new long[] {9}, engine.keys(), "a failed load keeps the contents");
        }
    }

    /**
     * A file written by the engine of 2026-11-24, whose removals were hnswlib-core's own (deleted nodes): keys 0-39
     * of vector {1 + k % 7, 1 + k % 5, 1 + k % 3, k}, then 3, 7, 11 and 30 removed. It still loads, rebuilt
     * without the deleted nodes.
     */
    @Test
    void aFileWithHnswlibCoreDeletedNodesStillLoads() throws IOException, URISyntaxException {
        Path legacy = Path.of(getClass().getResource("/fixtures/hnswlib-2026-11-24-deleted-nodes.index").toURI());
        try (VectorSearchEngine engine = create(EngineOptions.of(4, SimilarityMetric.COSINE))) {
            engine.load(legacy);
            long[] expected = LongStream.range(0, 40).filter(k -> k != 3 && k != 7 && k != 11 && k != 30).toArray();
            assertArrayEquals(expected, engine.keys());
            assertEquals(36, engine.size());
            assertNull(engine.getVectors(new long[] {3}).get(3L));
            for (long key : expected) {
                float[] vector = {1 + key % 7, 1 + key % 5, 1 + key % 3, key};
                assertArrayEquals(vector, engine.getVectors(new long[] {key}).get(key));
                assertTrue(engine.search(new float[][] {vector}, 10, null).get(0).stream()
                        .anyMatch(match -> match.key() == key), "key " + key);
            }
        }
    }
}
