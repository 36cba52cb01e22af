package io.indexgate.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An in-memory nearest-neighbour index over {@code long} keys, persisted to one index file.
 *
 * <p><b>Scores.</b> Results carry scores under the engine's {@link SimilarityMetric}: cosine similarity and dot
 * product (higher is better) or Euclidean distance (lower is better); results are always best first.
 *
 * <p><b>Persistence.</b> {@link #save} writes through {@link io.indexgate.persist.AtomicIndexWriter} (the atomic
 * protocol, the only one production code can select); {@link #load} verifies the whole envelope (format version, engine id,
 * metric, dimensions, length, CRC32C) before the engine reads a byte of it. Engines never open index files themselves.
 *
 * <p><b>Thread safety.</b> Implementations are safe for concurrent use: searches and reads run in parallel; add,
 * remove and load are exclusive; a save serializes a consistent snapshot.
 */
public interface VectorSearchEngine extends AutoCloseable {

    /** The engine's id, written into index headers: {@code hnswlib}, {@code usearch}, {@code exact}. */
    String engineId();

    /** The options the engine was built with. */
    EngineOptions options();

    /**
     * Adds vectors under new keys. The store removes a key before re-adding it, so a present key is an error.
     *
     * @throws IllegalArgumentException if the arrays differ in length, a key is already present or appears twice, or
     *                                  a vector is invalid (see {@link VectorMath#validate}); nothing is added then
     */
    void add(long[] keys, float[][] vectors);

    /**
     * Finds the nearest neighbours of each query.
     *
     * @param queries one or more query vectors
     * @param limit   the most results per query, positive
     * @param allowed if not null, only these keys may be returned; when some of them are present, each query gets
     *                {@code min(limit, allowed keys present)} results
     * @return per query, its matches best first
     */
    List<List<SearchMatch>> search(float[][] queries, int limit, AllowedKeys allowed);

    /** The vectors stored under the given keys, as added; absent keys are left out of the map. */
    Map<Long, float[]> getVectors(long[] keys);

    /** Removes the given keys; keys that are not present are ignored. */
    void remove(long[] keys);

    /** Whether {@code key} is present. */
    boolean contains(long key);

    /** Every present key, in ascending order. */
    long[] keys();

    /** The number of present keys. */
    long size();

    /**
     * Writes the engine's contents to {@code target} (see the class description).
     *
     * @throws io.indexgate.persist.IndexSaveException naming the target and the failed step
     */
    void save(Path target) throws IOException;

    /**
     * Replaces the engine's contents with those of {@code source}, after verifying it. Reads only: nothing on disk
     * changes (stale temps beside it are the store's recovery's to clear). On failure the engine's contents are
     * unchanged.
     *
     * @throws java.nio.file.NoSuchFileException           if the file does not exist
     * @throws io.indexgate.persist.CorruptIndexException if it fails verification (a format version outside the
     *                                                    supported range included) or its payload cannot be decoded
     */
    void load(Path source) throws IOException;

    /** Releases the engine's resources; later calls fail with {@link IllegalStateException}. Idempotent. */
    @Override
    void close();
}
