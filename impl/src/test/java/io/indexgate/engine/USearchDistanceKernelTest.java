package io.indexgate.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.engine.exact.ExactVectorSearchEngine;
import io.indexgate.engine.usearch.USearchVectorSearchEngine;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The JNI glue's own f32 distance kernels, which replace USearch's: every metric, at widths around the kernels' 8- and
 * 16-float steps, on vectors of very different magnitudes, ranks and scores as the exact engine does; and cosine or
 * inner-product sums too large for f32 are recomputed in f64 instead of turning into infinities or NaN.
 */
class USearchDistanceKernelTest {

    private static final int[] WIDTHS = {1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 128, 769};

    @BeforeAll
    static void requireTheNativeLibrary() {
        USearchAvailability.require();
    }

    @Test
    void describeNamesTheKernelsInUse() {
        String description = USearchVectorSearchEngine.describe();
        assertTrue(description.matches("USearch 2\\.26\\.2, distances: indexgate f32 (avx2\\+fma|portable) .*"),
                description);
    }

    @ParameterizedTest
    @EnumSource(SimilarityMetric.class)
    void everyWidthRanksAndScoresAsTheExactEngine(SimilarityMetric metric) {
        SplittableRandom random = new SplittableRandom(metric.ordinal());
        for (int width : WIDTHS) {
            float[][] vectors = new float[60][];
            for (int i = 0; i < vectors.length; i++) {
                vectors[i] = randomVector(random, width);
            }
            float[][] queries = {randomVector(random, width), randomVector(random, width), vectors[7]};
            EngineOptions options = EngineOptions.of(width, metric);
            try (VectorSearchEngine usearch = new USearchVectorSearchEngine(options);
                 VectorSearchEngine exact = new ExactVectorSearchEngine(options)) {
                long[] keys = LongStream.range(0, vectors.length).toArray();
                usearch.add(keys, vectors);
                exact.add(keys, vectors);
                List<List<SearchMatch>> want = exact.search(queries, 10, null);
                List<List<SearchMatch>> got = usearch.search(queries, 10, null);
                for (int q = 0; q < queries.length; q++) {
                    String what = metric + ", " + width + " dimensions, query " + q;
                    assertEquals(want.get(q).size(), got.get(q).size(), what);
                    // Scores rank by rank, and each key's score its own (equal scores may come in any key order).
                    for (int r = 0; r < want.get(q).size(); r++) {
                        float expected = want.get(q).get(r).score();
                        double tolerance = 2e-5 * Math.max(1, Math.abs(expected));
                        SearchMatch match = got.get(q).get(r);
                        assertEquals(expected, match.score(), tolerance, what + ", rank " + r);
                        assertEquals(metric.score(queries[q], vectors[(int) match.key()]), match.score(), tolerance,
                                what + ", key " + match.key());
                    }
                }
            }
        }
    }

    /** Components of magnitudes from 1e-3 to 1e3, so that cosine is tested on far-from-unit vectors. */
    private static float[] randomVector(SplittableRandom random, int width) {
        double scale = Math.pow(10, random.nextDouble(-3, 3));
        float[] vector = new float[width];
        for (int d = 0; d < width; d++) {
            vector[d] = (float) (random.nextDouble(-1, 1) * scale);
        }
        vector[random.nextInt(width)] += (float) scale; // never the zero vector
        return vector;
    }

    @Test
    void cosineOfComponentsWhoseSquaresOverflowF32IsStillTheCosine() {
        try (VectorSearchEngine engine = new USearchVectorSearchEngine(EngineOptions.of(3, SimilarityMetric.COSINE))) {
            engine.add(new long[] {1, 2, 3}, new float[][] {{2e30f, 1e29f, 0}, {0, 3e30f, 0}, {-1e30f, 0, 0}});
            List<SearchMatch> matches = engine.search(new float[][] {{1e30f, 0, 0}}, 3, null).get(0);
            assertEquals(List.of(1L, 2L, 3L), matches.stream().map(SearchMatch::key).toList());
            assertEquals(2 / Math.sqrt(4.01), matches.get(0).score(), 1e-6);
            assertEquals(0, matches.get(1).score(), 1e-6);
            assertEquals(-1, matches.get(2).score(), 1e-6);
        }
    }

    @Test
    void innerProductOfProductsThatOverflowF32AndCancelIsStillTheInnerProduct() {
        try (VectorSearchEngine engine = new USearchVectorSearchEngine(EngineOptions.of(2, SimilarityMetric.DOT))) {
            engine.add(new long[] {1, 2}, new float[][] {{1e20f, -1e20f}, {1, 1}});
            List<SearchMatch> matches = engine.search(new float[][] {{1e20f, 1e20f}}, 2, null).get(0);
            assertEquals(List.of(2L, 1L), matches.stream().map(SearchMatch::key).toList());
            assertEquals(2e20, matches.get(0).score(), 1e14);
            assertEquals(0, matches.get(1).score(), 1e-6);
        }
    }
}
