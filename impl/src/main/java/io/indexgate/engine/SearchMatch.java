package io.indexgate.engine;

/**
 * One search result: a key and its score under the engine's {@link SimilarityMetric}.
 *
 * @param key   the key the vector was added under
 * @param score cosine similarity or dot product (higher is better) or Euclidean distance (lower is better)
 */
public record SearchMatch(long key, float score) {
}
