package io.indexgate.engine.hnswlib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.engine.EngineOptions;
import io.indexgate.engine.SearchMatch;
import io.indexgate.engine.SimilarityMetric;
import io.indexgate.persist.CorruptIndexException;
import io.indexgate.persist.EnvelopeHeader;
import io.indexgate.persist.IndexEnvelope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graph codec (payload format 2): a graph saved and loaded is the same graph (its encoding is byte for byte the
 * same, its searches give the same results), a file of format 1 (Java serialization) loads into the same graph, and a
 * payload altered behind a valid envelope either loads into a graph whose searches work or is refused as corrupt.
 */
class HnswGraphCodecTest {

    private static final int DIMENSIONS = 8;

    @TempDir
    Path directory;

    @Test
    void aSavedGraphLoadsIntoTheSameGraph() throws IOException {
        for (SimilarityMetric metric : SimilarityMetric.values()) {
            try (HnswlibVectorSearchEngine saved = engine(metric, 700, 11)) {
                Path first = directory.resolve(metric + "-1.index");
                saved.save(first);
                try (HnswlibVectorSearchEngine loaded = new HnswlibVectorSearchEngine(EngineOptions.of(DIMENSIONS,
                        metric))) {
                    loaded.load(first);
                    Path second = directory.resolve(metric + "-2.index");
                    loaded.save(second);
                    assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second),
                            metric + ": the loaded graph encodes to the same bytes");
                    assertSameSearches(saved, loaded, metric);
                    assertArrayEquals(saved.keys(), loaded.keys());
                    assertArrayEquals(saved.getVectors(new long[] {5}).get(5L), loaded.getVectors(new long[] {5}).get(5L));
                }
            }
        }
    }

    @Test
    void aFileOfTheJavaSerializationFormatLoadsIntoTheSameGraph() throws IOException {
        try (HnswlibVectorSearchEngine saved = engine(SimilarityMetric.COSINE, 500, 12)) {
            Path formatOne = frame("format-1.index", saved.encodeJavaSerialization(), saved.size());
            Path formatTwo = directory.resolve("format-2.index");
            saved.save(formatTwo);
            try (HnswlibVectorSearchEngine loaded = new HnswlibVectorSearchEngine(EngineOptions.of(DIMENSIONS,
                    SimilarityMetric.COSINE))) {
                loaded.load(formatOne);
                assertSameSearches(saved, loaded, SimilarityMetric.COSINE);
                Path again = directory.resolve("again.index");
                loaded.save(again);
                assertArrayEquals(Files.readAllBytes(formatTwo), Files.readAllBytes(again),
                        "the graph read from format 1 is the graph that was saved");
            }
        }
    }

    @Test
    void anEmptyGraphRoundTrips() throws IOException {
        try (HnswlibVectorSearchEngine empty = new HnswlibVectorSearchEngine(EngineOptions.of(DIMENSIONS,
                SimilarityMetric.COSINE))) {
            Path file = directory.resolve("empty.index");
            empty.save(file);
            try (HnswlibVectorSearchEngine loaded = new HnswlibVectorSearchEngine(EngineOptions.of(DIMENSIONS,
                    SimilarityMetric.COSINE))) {
                loaded.add(new long[] {1}, new float[][] {vector(new Random(1))});
                loaded.load(file);
                assertEquals(0, loaded.size());
                loaded.add(new long[] {2}, new float[][] {vector(new Random(2))});
                assertEquals(2L, loaded.search(new float[][] {vector(new Random(2))}, 1, null).get(0).get(0).key());
            }
        }
    }

    @Test
    void aPayloadCutShortOrWithTrailingBytesIsRefused() throws IOException {
        try (HnswlibVectorSearchEngine saved = engine(SimilarityMetric.COSINE, 50, 13)) {
            byte[] payload = payloadOf(saved);
            for (int length : new int[] {4, 8, 40, payload.length / 2, payload.length - 1}) {
                Path cut = frame("cut-" + length + ".index", ByteBuffer.wrap(payload, 0, length), saved.size());
                CorruptIndexException refused = assertThrows(CorruptIndexException.class, () -> load(cut));
                assertTrue(refused.getMessage().contains("hnswlib"), refused.getMessage());
            }
            byte[] longer = java.util.Arrays.copyOf(payload, payload.length + 3);
            Path trailing = frame("trailing.index", ByteBuffer.wrap(longer), saved.size());
            assertTrue(assertThrows(CorruptIndexException.class, () -> load(trailing)).getMessage()
                    .contains("ends 3 bytes before"));
        }
    }

    /**
     * A reader written from the layout in {@link HnswGraphCodec}'s documentation alone finds every node, and a link
     * at level 1 redirected to a node that has only level 0 (which a search would fail to follow) is refused.
     */
    @Test
    void theDocumentedLayoutIsTheEncodingAndABadUpperLinkIsRefused() throws IOException {
        try (HnswlibVectorSearchEngine saved = engine(SimilarityMetric.COSINE, 400, 15)) {
            byte[] payload = payloadOf(saved);
            ByteBuffer in = ByteBuffer.wrap(payload).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            in.position(4);
            assertEquals(HnswGraphCodec.VERSION, in.getInt());
            assertEquals(DIMENSIONS, in.getInt());
            assertEquals(EngineOptions.DEFAULT_CONNECTIVITY, in.getInt(), "M");
            in.position(in.position() + 8);
            int tombstones = in.getInt();
            assertEquals(2, tombstones, "20 and 21: adding 7 back rebuilt the graph without 3, 7 and 11");
            in.position(in.position() + tombstones * 8);
            int versions = in.getInt();
            in.position(in.position() + versions * 16);
            int nodeCount = in.getInt();
            in.getInt();
            int[] levels = new int[nodeCount];
            int upperLinkAt = -1;
            int present = 0;
            for (int i = 0; i < nodeCount; i++) {
                int flags = in.getInt();
                if (flags == 0) {
                    continue;
                }
                present++;
                in.getLong();
                levels[i] = in.getInt();
                for (int level = 0; level < levels[i]; level++) {
                    int count = in.getInt();
                    if (level == 1 && count > 0 && upperLinkAt < 0) {
                        upperLinkAt = in.position();
                    }
                    in.position(in.position() + count * 4);
                }
                in.position(in.position() + DIMENSIONS * 4);
            }
            assertEquals(payload.length, in.position(), "the layout accounts for every byte");
            assertEquals(saved.size() + tombstones, present);
            assertTrue(upperLinkAt > 0, "a graph of 400 nodes has links at level 1");
            int groundNode = java.util.stream.IntStream.range(0, nodeCount).filter(i -> levels[i] == 1).findFirst()
                    .orElseThrow();
            ByteBuffer.wrap(payload).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(upperLinkAt, groundNode);
            Path redirected = frame("redirected.index", ByteBuffer.wrap(payload), saved.size());
            CorruptIndexException refused = assertThrows(CorruptIndexException.class, () -> load(redirected));
            assertTrue(refused.getMessage().contains("has no level 1"), refused.getMessage());
        }
    }

    /** The CRC is recomputed around the change, so only the codec's own checks stand between it and the engine. */
    @Property(tries = 300)
    void anAlteredPayloadIsRefusedOrLoadsIntoAWorkingGraph(@ForAll @IntRange(min = 0, max = 1 << 20) int where,
                                                           @ForAll @IntRange(min = 1, max = 255) int flip)
            throws IOException {
        byte[] payload;
        try (HnswlibVectorSearchEngine saved = engine(SimilarityMetric.COSINE, 60, 14)) {
            payload = payloadOf(saved);
        }
        int at = where % payload.length;
        payload[at] ^= (byte) flip;
        Path altered = frame("altered.index", ByteBuffer.wrap(payload), 55);
        try (HnswlibVectorSearchEngine loaded = new HnswlibVectorSearchEngine(EngineOptions.of(DIMENSIONS,
                SimilarityMetric.COSINE))) {
            try {
                loaded.load(altered);
            } catch (CorruptIndexException refused) {
                return;
            }
            Random random = new Random(at);
            for (int i = 0; i < 20; i++) {
                loaded.search(new float[][] {vector(random)}, 5, null);
            }
            loaded.add(new long[] {1_000_000}, new float[][] {vector(random)});
            loaded.remove(new long[] {3});
            loaded.search(new float[][] {vector(random)}, 5, null);
        }
    }

    /** {@code count} random vectors, then a few removals (tombstones) and re-additions (a rebuild). */
    private static HnswlibVectorSearchEngine engine(SimilarityMetric metric, int count, long seed) {
        HnswlibVectorSearchEngine engine = new HnswlibVectorSearchEngine(EngineOptions.of(DIMENSIONS, metric));
        Random random = new Random(seed);
        long[] keys = new long[count];
        float[][] vectors = new float[count][];
        for (int i = 0; i < count; i++) {
            keys[i] = i;
            vectors[i] = vector(random);
        }
        engine.add(keys, vectors);
        engine.remove(new long[] {3, 7, 11});
        engine.add(new long[] {7}, new float[][] {vector(random)});
        engine.remove(new long[] {20, 21});
        return engine;
    }

    private static float[] vector(Random random) {
        float[] vector = new float[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            vector[i] = (float) random.nextGaussian();
        }
        return vector;
    }

    private static void assertSameSearches(HnswlibVectorSearchEngine a, HnswlibVectorSearchEngine b,
                                           SimilarityMetric metric) {
        Random random = new Random(99);
        for (int i = 0; i < 50; i++) {
            float[][] query = {vector(random)};
            List<SearchMatch> expected = a.search(query, 10, null).get(0);
            assertEquals(expected, b.search(query, 10, null).get(0), metric + ", query " + i);
        }
    }

    /** The payload the engine saves, as it is encoded for the envelope. */
    private static byte[] payloadOf(HnswlibVectorSearchEngine engine) {
        ByteBuffer payload = engine.encodeUnlocked().bytes();
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        assertTrue(HnswGraphCodec.isGraphCodec(bytes), "the engine writes format 2");
        return bytes;
    }

    private Path frame(String name, ByteBuffer payload, long entries) throws IOException {
        List<ByteBuffer> framed = IndexEnvelope.frame(new EnvelopeHeader(HnswlibVectorSearchEngine.ENGINE_ID,
                "cosine", DIMENSIONS, entries, payload.remaining()), payload);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (ByteBuffer part : framed) {
            byte[] bytes = new byte[part.remaining()];
            part.duplicate().get(bytes);
            file.write(bytes);
        }
        return Files.write(directory().resolve(name), file.toByteArray());
    }

    /** JUnit's temp directory, or for jqwik's properties (which have none) one on jimfs (where nothing is saved). */
    private Path directory() {
        if (directory == null) {
            directory = io.indexgate.testing.Jimfs.newIndexDirectory();
        }
        return directory;
    }

    private static void load(Path file) throws IOException {
        try (HnswlibVectorSearchEngine engine = new HnswlibVectorSearchEngine(EngineOptions.of(DIMENSIONS,
                SimilarityMetric.COSINE))) {
            engine.load(file);
        }
    }
}
