package io.indexgate.engine;

import java.util.Locale;

/**
 * How vectors are compared, and what a search score means.
 * <ul>
 *   <li>{@link #COSINE}: cosine similarity in [-1, 1], higher is better; zero vectors have no direction and are
 *       rejected.</li>
 *   <li>{@link #DOT}: dot product, higher is better.</li>
 *   <li>{@link #EUCLIDEAN}: Euclidean (L2) distance, lower is better.</li>
 * </ul>
 */
public enum SimilarityMetric {
    COSINE("cosine", true),
    DOT("dot", true),
    EUCLIDEAN("euclidean", false);

    private final String id;
    private final boolean higherIsBetter;

    SimilarityMetric(String id, boolean higherIsBetter) {
        this.id = id;
        this.higherIsBetter = higherIsBetter;
    }

    /** The metric's name in configurations and index headers: {@code cosine}, {@code dot}, {@code euclidean}. */
    public String id() {
        return id;
    }

    /** Whether a higher score is a better match (true for cosine and dot, false for Euclidean distance). */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** Whether score {@code a} is a strictly better match than score {@code b}. */
    public boolean isBetter(float a, float b) {
        return higherIsBetter ? a > b : a < b;
    }

    /** The score of two vectors under this metric. */
    public float score(float[] a, float[] b) {
        return switch (this) {
            case COSINE -> (float) (VectorMath.dot(a, b) / Math.sqrt((double) VectorMath.dot(a, a) * VectorMath.dot(b, b)));
            case DOT -> VectorMath.dot(a, b);
            case EUCLIDEAN -> (float) Math.sqrt(VectorMath.squaredDistance(a, b));
        };
    }

    /**
     * Parses a metric from its id, ignoring case.
     *
     * @throws IllegalArgumentException naming the valid ids
     */
    public static SimilarityMetric fromId(String id) {
        for (SimilarityMetric metric : values()) {
            if (metric.id.equals(id.toLowerCase(Locale.ROOT))) {
                return metric;
            }
        }
        throw new IllegalArgumentException("unknown similarity metric '" + id + "'; expected cosine, dot or euclidean");
    }
}
