package io.indexgate.store;

import java.util.Map;
import java.util.UUID;

/**
 * One record as returned by {@link VectorCollection#get(java.util.Collection, boolean, boolean)}: the fields asked
 * for, null for the others, as {@link QueryMatch} does for a query. The vector array is the caller's.
 *
 * @param uuid       the record
 * @param vector     its vector, or null unless requested
 * @param properties its properties (unmodifiable), or null unless requested
 */
public record RetrievedRecord(UUID uuid, float[] vector, Map<String, Object> properties) {
}
