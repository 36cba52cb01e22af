package io.indexgate.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.engine.exact.ExactVectorSearchEngine;
import io.indexgate.engine.usearch.USearchVectorSearchEngine;
import io.indexgate.persist.CorruptIndexException;
import io.indexgate.persist.EnvelopeHeader;
import io.indexgate.persist.IndexEnvelope;
import io.indexgate.testing.ClusteredVectors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The USearch engine's files across versions of its JNI glue, and the glue's checks on what it opens: a file written
 * before the engine had its own f32 kernels and viewed its loads loads with its keys, vectors and ranking; a USearch
 * blob of another metric, dimension count or vector width inside a valid envelope is a clean
 * {@link CorruptIndexException}, never a read past a vector.
 */
class USearchFormatTest {

    /**
     * Saved by the engine of commit 3503d9c (USearch 2.26.2 with its NumKong kernels, loads copied into USearch's
     * memory): the {@link #fixtureVectors} under keys {@code 1000 + 7 i}, cosine, 6 dimensions, connectivity 4,
     * expansions 16, then keys 1021 and 1070 removed.
     */
    private static final String FILE_BEFORE_OWN_KERNELS = """
            SUdJWAAAAAF1c2VhcmNoAAAAAAAAAAAAY29zaW5lAAAAAAAAAAAAAAAAAAYAAAAAAAAAAAAAABYAAAAAAAAJSBYAAAAAAAAA6AMA
            AAAAAADvAwAAAAAAAPYDAAAAAAAABAQAAAAAAAALBAAAAAAAABIEAAAAAAAAGQQAAAAAAAAgBAAAAAAAACcEAAAAAAAANQQAAAAA
            AAA8BAAAAAAAAEMEAAAAAAAASgQAAAAAAABRBAAAAAAAAFgEAAAAAAAAXwQAAAAAAABmBAAAAAAAAG0EAAAAAAAAdAQAAAAAAAB7
            BAAAAAAAAIIEAAAAAAAAiQQAAAAAAAACAAAAAAAAAP0DAAAAAAAALgQAAAAAAABwCAAAAAAAABgAAAAYAAAAMquqQF+8IT/ybI7A
            UTtiwL9++L4ewIe/A8d0wCIGrUB+TNA+YG0vQLphvL34d7/A0FiEP1FGQkBVfbBAg5G3P03FF8CwagK/r9cAvwJ9OD6BiIrAI4QH
            QX5i779eCSi/L/7gP8dIqsBbWyvApJuzwBnCB0ETHWjAuFx6QFXflcBDrPG/fo1Yv2nvMkD13JJAnN9AQQtBbECnYte/NX6AQHQG
            87+NuYC/0bQLQFyoukCyXFlAVKdXPzbhKkAeKcy/EOpGvq+AusDTWGpAGOHav2u2NsDXdWi/ZEbBQM9IOkB2SwbAf62NQEtEQsB8
            Mgs/3s9iQMfOrz93RTBAcs7vPV252j8Q3sm+L0ZjwDvsTkBT7BhAewGSQH9eP0BsXJRAcReMQM99aEB/OlZAjHYSwIqWasBB7EjA
            /AD2P/gh1EAwoZnAdiTewLjxPEGrNeZAgiKdQFjhDECNiDpA0SqxQOdVO8ACMwPA88UqwLWmY0BGkko/fSBEPzg5pcARYbm+w+4i
            vw8/JUDmwMI/UQ30P0z/3UDgui2+6ctYwGmlCsCsETJApwG5QHdQNsAxM+FA6+q1P2VZjL+DroNA6eSFP5cUOD80A0k/adsgQG7T
            C0FukdK/ORkCvXvSB79M2fM+0h8SwAwP/D44wjZBZVSMv1kAb0COiU++3HnUv8M2Hj6bvei/BjQBQew/yz8BFE+9mhaiwKFRscDD
            0TI/Ah5nP7Vooz/gz5pAuylUvxWklMDnvtQ/wNM0QP8rhkDjgQBBdXNlYXJjaAIAGgACAGMLDg8YAAAAAAAAAAAAAAAAAAAABgAA
            AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABgAAAAAAAAABAAAAAAAAAAIAAAAAAAAAAMAAAAAAAAAEAAAAAAAAAABAAEAAAAA
            AAEAAQAAAAAAAAAAAAAAAAACAAIAAAAAAAMAAwABAAEAAAAAAAAAAADoAwAAAAAAAAEABgAAAAEAAAACAAAAAwAAAAQAAAAGAAAA
            DwAAAAAAAAAAAAAABAAAAAEAAAAEAAAABQAAAAwAAADvAwAAAAAAAAEABwAAAAAAAAACAAAAAwAAAAQAAAAHAAAADwAAABUAAAAA
            AAAAAgAAABMAAAAQAAAAAAAAAAAAAAD2AwAAAAAAAAAABgAAAA4AAAAMAAAABwAAAAgAAAAPAAAAEgAAAAAAAAAAAAAA/QMAAAAA
            AAAAAAIAAAAVAAAACQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQEAAAAAAAAAQAHAAAAAAAAAAEAAAAFAAAABwAAAAoAAAAN
            AAAAFAAAAAAAAAAEAAAAAAAAAAEAAAAFAAAADQAAAAsEAAAAAAAAAQAHAAAABAAAAAMAAAAIAAAACwAAABUAAAAWAAAAFwAAAAAA
            AAACAAAABAAAABIAAAAAAAAAAAAAABIEAAAAAAAAAAAGAAAAAAAAAAMAAAACAAAABwAAAAkAAAAKAAAAAAAAAAAAAAAZBAAAAAAA
            AAAABgAAAAoAAAATAAAAEAAAAAIAAAABAAAAFAAAAAAAAAAAAAAAIAQAAAAAAAAAAAUAAAAFAAAAAgAAABEAAAASAAAAFgAAAAAA
            AAAAAAAAAAAAACcEAAAAAAAAAAAGAAAABgAAAAMAAAACAAAADAAAAA4AAAATAAAAAAAAAAAAAAAuBAAAAAAAAAAABQAAAAcAAAAG
            AAAABAAAAAwAAAASAAAAAAAAAAAAAAAAAAAANQQAAAAAAAAAAAgAAAAHAAAAAwAAAAUAAAAQAAAAEQAAABQAAAAVAAAAFwAAADwE
            AAAAAAAAAgADAAAAAgAAAAoAAAAJAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAEAAAASAAAAEwAAAAMAAAANAAAAEAAA
            ABEAAAAAAAAAQwQAAAAAAAACAAQAAAAEAAAABwAAABAAAAATAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAEAAAAAQAAABAAAAATAAAA
            AwAAAAwAAAAQAAAAEQAAAAAAAABKBAAAAAAAAAAAAgAAAAkAAAACAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAUQQAAAAAAAAA
            AAUAAAACAAAAAQAAAAAAAAARAAAAEwAAAAAAAAAAAAAAAAAAAFgEAAAAAAAAAwAEAAAABwAAAAsAAAANAAAAFgAAAAAAAAAAAAAA
            AAAAAAAAAAADAAAADQAAAAEAAAASAAAAAAAAAAMAAAANAAAADAAAABEAAAAAAAAAAQAAABEAAAAAAAAAAAAAAAAAAABfBAAAAAAA
            AAMABgAAAAsAAAADAAAADwAAAAgAAAASAAAAFgAAAAAAAAAAAAAAAwAAAAUAAAABAAAAEgAAAAAAAAADAAAAEAAAAA0AAAAMAAAA
            AAAAAAEAAAAQAAAAAAAAAAAAAAAAAAAAZgQAAAAAAAABAAYAAAAKAAAAAgAAAAgAAAARAAAAFAAAABcAAAAAAAAAAAAAAAQAAAAR
            AAAAEAAAAAwAAAAFAAAAbQQAAAAAAAABAAQAAAAHAAAACQAAAA0AAAAPAAAAAAAAAAAAAAAAAAAAAAAAAAMAAAAMAAAADQAAAAEA
            AAAAAAAAdAQAAAAAAAAAAAQAAAASAAAABwAAAAsAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAHsEAAAAAAAAAAAEAAAAAwAAAAsAAAAB
            AAAABQAAAAAAAAAAAAAAAAAAAAAAAACCBAAAAAAAAAAABQAAABEAAAAFAAAACAAAABAAAAAXAAAAAAAAAAAAAAAAAAAAiQQAAAAA
            AAAAAAQAAAAWAAAABQAAAAsAAAASAAAAAAAAAAAAAAAAAAAAAAAAAPAOqdNYSUdJ
            """;
    private static final EngineOptions FIXTURE_OPTIONS = new EngineOptions(6, SimilarityMetric.COSINE, 4, 16, 16);
    private static final long[] FIXTURE_REMOVED = {1021, 1070};

    @TempDir
    Path directory;

    @BeforeAll
    static void requireTheNativeLibrary() {
        USearchAvailability.require();
    }

    /** The vectors of the fixture file, as its generator made them. */
    private static float[][] fixtureVectors() {
        Random random = new Random(14);
        float[][] vectors = new float[24][6];
        for (int i = 0; i < vectors.length; i++) {
            for (int d = 0; d < 6; d++) {
                vectors[i][d] = (float) (random.nextGaussian() * 3 + (d == i % 6 ? 5 : 0));
            }
        }
        return vectors;
    }

    private static long fixtureKey(int i) {
        return 1000 + 7L * i;
    }

    @Test
    void aFileWrittenBeforeTheEnginesOwnKernelsLoadsWithItsKeysVectorsAndRanking() throws IOException {
        Path file = directory.resolve("before.index");
        Files.write(file, Base64.getMimeDecoder().decode(FILE_BEFORE_OWN_KERNELS));
        float[][] vectors = fixtureVectors();
        long[] live = LongStream.range(0, vectors.length).map(i -> fixtureKey((int) i))
                .filter(key -> Arrays.stream(FIXTURE_REMOVED).noneMatch(removed -> removed == key)).toArray();
        try (USearchVectorSearchEngine loaded = new USearchVectorSearchEngine(FIXTURE_OPTIONS);
             ExactVectorSearchEngine exact = new ExactVectorSearchEngine(FIXTURE_OPTIONS)) {
            loaded.load(file);
            assertArrayEquals(live, loaded.keys());
            for (long key : FIXTURE_REMOVED) {
                assertFalse(loaded.contains(key), "removed key " + key);
            }
            for (int i = 0; i < vectors.length; i++) {
                if (loaded.contains(fixtureKey(i))) {
                    assertArrayEquals(vectors[i], loaded.getVectors(new long[] {fixtureKey(i)}).get(fixtureKey(i)),
                            "the vector of key " + fixtureKey(i) + ", bit for bit");
                    exact.add(new long[] {fixtureKey(i)}, new float[][] {vectors[i]});
                }
            }
            assertSameRanking(exact, loaded, vectors, "the old file");

            float[] added = {1, 2, 3, 4, 5, 6};
            loaded.add(new long[] {5}, new float[][] {added});
            exact.add(new long[] {5}, new float[][] {added});
            assertSameRanking(exact, loaded, vectors, "the old file after an addition");
            Path resaved = directory.resolve("resaved.index");
            loaded.save(resaved);
            try (USearchVectorSearchEngine again = new USearchVectorSearchEngine(FIXTURE_OPTIONS)) {
                again.load(resaved);
                assertSameRanking(exact, again, vectors, "the old file saved again");
            }
        }
    }

    private static void assertSameRanking(VectorSearchEngine expected, VectorSearchEngine actual, float[][] queries,
                                          String what) {
        List<List<SearchMatch>> want = expected.search(queries, 5, null);
        List<List<SearchMatch>> got = actual.search(queries, 5, null);
        for (int q = 0; q < queries.length; q++) {
            assertEquals(keysOf(want.get(q)), keysOf(got.get(q)), what + ", query " + q);
            for (int r = 0; r < want.get(q).size(); r++) {
                assertEquals(want.get(q).get(r).score(), got.get(q).get(r).score(), 1e-5, what + ", query " + q);
            }
        }
    }

    private static List<Long> keysOf(List<SearchMatch> matches) {
        return matches.stream().map(SearchMatch::key).toList();
    }

    @Test
    void aBlobOfAnotherMetricInAValidEnvelopeIsCorrupt() throws IOException {
        ByteBuffer dotPayload = payloadOf(EngineOptions.of(4, SimilarityMetric.DOT), 4);
        assertCorrupt(reframed(dotPayload, "cosine", 4), EngineOptions.of(4, SimilarityMetric.COSINE),
                "another metric");
    }

    @Test
    void aBlobOfOtherDimensionsInAValidEnvelopeIsCorrupt() throws IOException {
        ByteBuffer wide = payloadOf(EngineOptions.of(8, SimilarityMetric.COSINE), 8);
        assertCorrupt(reframed(wide, "cosine", 4), EngineOptions.of(4, SimilarityMetric.COSINE), "other dimensions");
    }

    @Test
    void aBlobWhoseVectorRowsAreNarrowerThanItsDimensionsIsCorrupt() throws IOException {
        ByteBuffer payload = payloadOf(EngineOptions.of(4, SimilarityMetric.COSINE), 4);
        int blobAt = blobOffset(payload);
        // The blob opens with its vector matrix's row count and row width in bytes (u32 each): 20 rows of 16 bytes.
        // Twice the rows at half the width keep the matrix's size, so USearch still finds its header after it.
        assertEquals(20, payload.getInt(blobAt));
        assertEquals(16, payload.getInt(blobAt + 4));
        payload.putInt(blobAt, 40);
        payload.putInt(blobAt + 4, 8);
        assertCorrupt(reframed(payload, "cosine", 4), EngineOptions.of(4, SimilarityMetric.COSINE), "width");
    }

    /** The payload of a saved index of 20 vectors, little-endian, writable. */
    private ByteBuffer payloadOf(EngineOptions options, int dimensions) throws IOException {
        Path file = directory.resolve("source-" + options.metric() + "-" + dimensions + ".index");
        try (USearchVectorSearchEngine engine = new USearchVectorSearchEngine(options)) {
            engine.add(LongStream.range(0, 20).toArray(), ClusteredVectors.generate(1, 20,
                    dimensions));
            engine.save(file);
        }
        byte[] bytes = Files.readAllBytes(file);
        return ByteBuffer.wrap(Arrays.copyOfRange(bytes, EnvelopeHeader.LENGTH,
                bytes.length - IndexEnvelope.FOOTER_LENGTH)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int blobOffset(ByteBuffer payload) {
        long live = payload.getLong(0);
        long removed = payload.getLong((int) (8 + 8 * live));
        return (int) (8 + 8 * live + 8 + 8 * removed + 8);
    }

    /** {@code payload} in a correct envelope (length, CRC32C) that announces {@code metric} and {@code dimensions}. */
    private Path reframed(ByteBuffer payload, String metric, int dimensions) throws IOException {
        EnvelopeHeader header = new EnvelopeHeader(USearchVectorSearchEngine.ENGINE_ID, metric, dimensions,
                payload.getLong(0), payload.capacity());
        List<ByteBuffer> framed = IndexEnvelope.frame(header, payload.duplicate().position(0));
        ByteBuffer out = ByteBuffer.allocate(framed.stream().mapToInt(ByteBuffer::remaining).sum());
        framed.forEach(buffer -> out.put(buffer.duplicate()));
        Path file = directory.resolve("forged.index");
        Files.write(file, out.array());
        return file;
    }

    private static void assertCorrupt(Path file, EngineOptions options, String reason) {
        try (USearchVectorSearchEngine engine = new USearchVectorSearchEngine(options)) {
            engine.add(new long[] {77}, new float[][] {ClusteredVectors.generate(9, 1,
                    options.dimensions())[0]});
            CorruptIndexException failure = assertThrows(CorruptIndexException.class, () -> engine.load(file));
            assertTrue(failure.getMessage().contains(reason), failure.getMessage());
            assertArrayEquals(new long[] {77}, engine.keys(), "a failed load keeps the contents");
        }
    }
}
