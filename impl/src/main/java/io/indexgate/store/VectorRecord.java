package io.indexgate.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A record of a collection: its UUID, its vector and its properties (see {@link PropertyType} for the value types).
 * The vector array is not copied; do not change it after handing it over.
 *
 * @param uuid       the record's identity; upserting an existing UUID replaces the record
 * @param vector     the vector, with the collection's dimensions and finite components
 * @param properties property name to value; no null values
 */
public record VectorRecord(UUID uuid, float[] vector, Map<String, Object> properties) {

    public VectorRecord {
        Objects.requireNonNull(uuid, "uuid");
        Map<String, Object> copy = new LinkedHashMap<>();
        if (properties != null) {
            properties.forEach((key, value) -> {
                if (value == null) {
                    throw new IllegalArgumentException("property '" + key + "' of record " + uuid
                            + " is null; leave it out instead");
                }
                copy.put(key, value);
            });
        }
        properties = Collections.unmodifiableMap(copy);
    }

    /** A record without properties. */
    public static VectorRecord of(UUID uuid, float[] vector) {
        return new VectorRecord(uuid, vector, Map.of());
    }
}
