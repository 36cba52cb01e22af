package io.indexgate.engine;

import io.indexgate.persist.PersistenceMode;
import java.util.Objects;

/**
 * What an engine is built with.
 *
 * @param dimensions      vector dimensions, positive
 * @param metric          the similarity metric
 * @param persistenceMode how {@link VectorSearchEngine#save} writes the index file
 * @param connectivity    graph degree (HNSW's M), default {@value #DEFAULT_CONNECTIVITY}
 * @param expansionAdd    candidate list size while inserting (efConstruction), default {@value #DEFAULT_EXPANSION}
 * @param expansionSearch candidate list size while searching (ef), default {@value #DEFAULT_EXPANSION}
 */
public record EngineOptions(int dimensions, SimilarityMetric metric, PersistenceMode persistenceMode,
                            int connectivity, int expansionAdd, int expansionSearch) {

    public static final int DEFAULT_CONNECTIVITY = 16;
    public static final int DEFAULT_EXPANSION = 128;

    public EngineOptions {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(persistenceMode, "persistenceMode");
        if (dimensions <= 0) {
            throw new IllegalArgumentException("dimensions must be positive, got " + dimensions);
        }
        if (connectivity < 2 || expansionAdd < 1 || expansionSearch < 1) {
            throw new IllegalArgumentException("connectivity must be at least 2 and expansions at least 1, got "
                    + connectivity + ", " + expansionAdd + ", " + expansionSearch);
        }
    }

    /** Options with the default graph parameters. */
    public static EngineOptions of(int dimensions, SimilarityMetric metric, PersistenceMode persistenceMode) {
        return new EngineOptions(dimensions, metric, persistenceMode, DEFAULT_CONNECTIVITY, DEFAULT_EXPANSION,
                DEFAULT_EXPANSION);
    }
}
