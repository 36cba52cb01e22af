package io.indexgate.store;

import java.util.Map;
import java.util.UUID;

/**
 * One query result.
 *
 * @param uuid       the record
 * @param score      its score under the collection's metric (see {@link io.indexgate.engine.SimilarityMetric})
 * @param vector     its vector, or null unless requested
 * @param properties its properties, or null unless requested
 */
public record QueryMatch(UUID uuid, float score, float[] vector, Map<String, Object> properties) {
}
