package io.indexgate.store;

import java.util.Map;
import java.util.UUID;

/**
 * One record as returned by {@link VectorCollection#get(java.util.Collection, boolean, boolean)}: the fields asked
 * for, null for the others, as {@link QueryMatch} does for a query. A value read for this caller alone: the vector
 * array is a fresh copy that no other thread sees, the properties are unmodifiable.
 *
 * @param uuid       the record
 * @param vector     its vector, or null unless requested
 * @param properties its properties (unmodifiable), or null unless requested
 */
public record RetrievedRecord(UUID uuid, float[] vector, Map<String, Object> properties) {
}
