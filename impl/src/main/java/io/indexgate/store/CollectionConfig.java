package io.indexgate.store;

import io.indexgate.engine.Engines;
import io.indexgate.engine.SimilarityMetric;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a collection is: vector dimensions, similarity metric, engine, and the properties that are indexed (and so
 * may be filtered on) with their types. Immutable; two configs are equal when all four are.
 *
 * @param dimensions         vector dimensions, 1 to 65536
 * @param metric             the similarity metric
 * @param engine             the engine id ({@code hnswlib}, {@code exact}, and {@code usearch} where built)
 * @param indexedProperties  property name to type, in declaration order
 */
public record CollectionConfig(int dimensions, SimilarityMetric metric, String engine,
                               Map<String, PropertyType> indexedProperties) {

    public CollectionConfig {
        if (dimensions <= 0 || dimensions > 65536) {
            throw new IllegalArgumentException("dimensions must be between 1 and 65536, got " + dimensions);
        }
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(engine, "engine");
        if (!Engines.ids().contains(engine)) {
            throw new IllegalArgumentException("unknown engine '" + engine + "'; known engines: "
                    + String.join(", ", Engines.ids()));
        }
        Map<String, PropertyType> copy = new LinkedHashMap<>();
        if (indexedProperties != null) {
            indexedProperties.forEach((property, type) -> copy.put(Identifiers.requirePropertyName(property),
                    Objects.requireNonNull(type, "type of property " + property)));
        }
        indexedProperties = Collections.unmodifiableMap(copy);
    }

    /** A config with no indexed properties. */
    public static CollectionConfig of(int dimensions, SimilarityMetric metric, String engine) {
        return new CollectionConfig(dimensions, metric, engine, Map.of());
    }

    /** This config with one more indexed property. */
    public CollectionConfig withIndexedProperty(String property, PropertyType type) {
        Map<String, PropertyType> more = new LinkedHashMap<>(indexedProperties);
        more.put(property, type);
        return new CollectionConfig(dimensions, metric, engine, more);
    }
}
