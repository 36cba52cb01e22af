package io.indexgate.testing;

import java.util.SplittableRandom;

/**
 * Seeded synthetic embeddings: unit vectors drawn around Gaussian cluster centres, the shape of real text
 * embeddings. The same seed, count and dimensions always give the same vectors.
 */
public final class ClusteredVectors {

    private ClusteredVectors() {
    }

    /**
     * {@code count} unit vectors of {@code dimensions}, each a random centre (of {@code clusters}) plus Gaussian noise
     * of standard deviation {@code spread} per component, normalised.
     */
    public static float[][] generate(long seed, int count, int dimensions, int clusters, double spread) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = new float[clusters][];
        for (int c = 0; c < clusters; c++) {
            centres[c] = unit(gaussian(random, dimensions, 1.0, null));
        }
        float[][] vectors = new float[count][];
        for (int i = 0; i < count; i++) {
            vectors[i] = unit(gaussian(random, dimensions, spread, centres[random.nextInt(clusters)]));
        }
        return vectors;
    }

    /** 100 clusters with a spread that keeps neighbours close but distinct, as in the benchmarks. */
    public static float[][] generate(long seed, int count, int dimensions) {
        return generate(seed, count, dimensions, 100, 1.0 / Math.sqrt(dimensions));
    }

    private static float[] gaussian(SplittableRandom random, int dimensions, double sigma, float[] around) {
        float[] vector = new float[dimensions];
        for (int d = 0; d < dimensions; d++) {
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            double normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
            vector[d] = (float) ((around == null ? 0 : around[d]) + sigma * normal);
        }
        return vector;
    }

    private static float[] unit(float[] vector) {
        double norm = 0;
        for (float component : vector) {
            norm += component * component;
        }
        norm = Math.sqrt(norm);
        for (int d = 0; d < vector.length; d++) {
            vector[d] = (float) (vector[d] / norm);
        }
        return vector;
    }
}
