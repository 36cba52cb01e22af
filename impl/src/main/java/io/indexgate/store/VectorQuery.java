package io.indexgate.store;

import java.util.Objects;

/**
 * A nearest-neighbour query.
 *
 * @param vectors             one or more query vectors; the result holds one list per vector
 * @param limit               the most matches per query vector, positive
 * @param similarityThreshold if not null, matches must score at least this (cosine, dot) or at most this
 *                            (Euclidean distance)
 * @param filter              if not null, only records matching it are returned
 * @param returnVector        whether matches carry their vectors
 * @param returnProperties    whether matches carry their properties
 */
public record VectorQuery(float[][] vectors, int limit, Float similarityThreshold, PropertyFilter filter,
                          boolean returnVector, boolean returnProperties) {

    public VectorQuery {
        Objects.requireNonNull(vectors, "vectors");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        if (similarityThreshold != null && !Float.isFinite(similarityThreshold)) {
            throw new IllegalArgumentException("similarity threshold must be finite, got " + similarityThreshold);
        }
    }

    /** The {@code limit} nearest records to one vector, with properties, without vectors or filter. */
    public static VectorQuery nearest(float[] vector, int limit) {
        return new VectorQuery(new float[][] {vector}, limit, null, null, false, true);
    }

    public VectorQuery withFilter(PropertyFilter newFilter) {
        return new VectorQuery(vectors, limit, similarityThreshold, newFilter, returnVector, returnProperties);
    }

    public VectorQuery withSimilarityThreshold(Float threshold) {
        return new VectorQuery(vectors, limit, threshold, filter, returnVector, returnProperties);
    }

    public VectorQuery withReturnVector(boolean value) {
        return new VectorQuery(vectors, limit, similarityThreshold, filter, value, returnProperties);
    }

    public VectorQuery withReturnProperties(boolean value) {
        return new VectorQuery(vectors, limit, similarityThreshold, filter, returnVector, value);
    }
}
