package io.indexgate.engine;

import java.util.Objects;

/**
 * What an engine is built with. Its index files are always written with the atomic protocol
 * ({@link io.indexgate.persist.AtomicIndexWriter}).
 *
 * @param dimensions      vector dimensions, positive
 * @param metric          the similarity metric
 * @param connectivity    graph degree (HNSW's M), default {@value #DEFAULT_CONNECTIVITY}
 * @param expansionAdd    candidate list size while inserting (efConstruction), default {@value #DEFAULT_EXPANSION}
 * @param expansionSearch candidate list size while searching (ef), default {@value #DEFAULT_EXPANSION}
 */
public record EngineOptions(int dimensions, SimilarityMetric metric, int connectivity, int expansionAdd,
                            int expansionSearch) {

    public static final int DEFAULT_CONNECTIVITY = 16;
    public static final int DEFAULT_EXPANSION = 128;

    public EngineOptions {
        Objects.requireNonNull(metric, "metric");
        if (dimensions <= 0) {
            throw new IllegalArgumentException("dimensions must be positive, got " + dimensions);
        }
        if (connectivity < 2 || expansionAdd < 1 || expansionSearch < 1) {
            throw new IllegalArgumentException("connectivity must be at least 2 and expansions at least 1, got "
                    + connectivity + ", " + expansionAdd + ", " + expansionSearch);
        }
    }

    /** Options with the default graph parameters. */
    public static EngineOptions of(int dimensions, SimilarityMetric metric) {
        return new EngineOptions(dimensions, metric, DEFAULT_CONNECTIVITY, DEFAULT_EXPANSION, DEFAULT_EXPANSION);
    }
}
