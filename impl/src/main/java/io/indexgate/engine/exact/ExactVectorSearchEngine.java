package io.indexgate.engine.exact;

import io.indexgate.engine.AbstractVectorSearchEngine;
import io.indexgate.engine.AllowedKeys;
import io.indexgate.engine.EngineOptions;
import io.indexgate.engine.SearchMatch;
import io.indexgate.engine.SimilarityMetric;
import io.indexgate.engine.TopMatches;
import io.indexgate.persist.CorruptIndexException;
import io.indexgate.persist.VerifiedIndex;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Brute-force search: every query is scored against every vector. Exact by construction, so it is the ground truth
 * for recall tests, and a reasonable engine for small collections.
 *
 * <p>Payload: little-endian, per entry a {@code long} key followed by its {@code float} components, in key order.
 * Thread-safe (see {@link io.indexgate.engine.VectorSearchEngine}).
 */
public final class ExactVectorSearchEngine extends AbstractVectorSearchEngine<TreeMap<Long, float[]>> {

    /** The engine id in index headers and collection configs. */
    public static final String ENGINE_ID = "exact";

    private TreeMap<Long, float[]> vectors = new TreeMap<>();

    public ExactVectorSearchEngine(EngineOptions options) {
        super(options);
    }

    @Override
    public String engineId() {
        return ENGINE_ID;
    }

    @Override
    protected void addUnlocked(long[] keys, float[][] added) {
        for (int i = 0; i < keys.length; i++) {
            vectors.put(keys[i], added[i].clone());
        }
    }

    @Override
    protected List<SearchMatch> searchUnlocked(float[] query, int limit, AllowedKeys allowed) {
        SimilarityMetric metric = options().metric();
        TopMatches top = new TopMatches(limit, metric);
        for (Map.Entry<Long, float[]> entry : vectors.entrySet()) {
            if (allowed == null || allowed.contains(entry.getKey())) {
                top.offer(entry.getKey(), metric.score(query, entry.getValue()));
            }
        }
        return top.bestFirst();
    }

    @Override
    protected float[] vectorUnlocked(long key) {
        return vectors.get(key);
    }

    @Override
    protected void removeUnlocked(long key) {
        vectors.remove(key);
    }

    @Override
    protected long[] keysUnlocked() {
        return vectors.keySet().stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    protected long sizeUnlocked() {
        return vectors.size();
    }

    @Override
    protected Payload encodeUnlocked() {
        int dimensions = options().dimensions();
        ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact((long) vectors.size() * entryLength(dimensions)))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<Long, float[]> entry : vectors.entrySet()) {
            bytes.putLong(entry.getKey());
            for (float component : entry.getValue()) {
                bytes.putFloat(component);
            }
        }
        return new Payload(bytes.flip(), vectors.size());
    }

    @Override
    protected TreeMap<Long, float[]> decode(VerifiedIndex index, String source) throws CorruptIndexException {
        int dimensions = options().dimensions();
        ByteBuffer bytes = index.payload().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long entryLength = entryLength(dimensions);
        if (bytes.remaining() != index.header().entryCount() * entryLength) {
            throw new CorruptIndexException(source, "payload of " + bytes.remaining() + " bytes does not hold "
                    + index.header().entryCount() + " entries of " + entryLength + " bytes");
        }
        TreeMap<Long, float[]> decoded = new TreeMap<>();
        while (bytes.hasRemaining()) {
            long key = bytes.getLong();
            float[] vector = new float[dimensions];
            bytes.asFloatBuffer().get(vector);
            bytes.position(bytes.position() + dimensions * Float.BYTES);
            if (decoded.put(key, vector) != null) {
                throw new CorruptIndexException(source, "key " + key + " appears twice");
            }
        }
        return decoded;
    }

    @Override
    protected void installUnlocked(TreeMap<Long, float[]> decoded) {
        vectors = decoded;
    }

    private static long entryLength(int dimensions) {
        return Long.BYTES + (long) dimensions * Float.BYTES;
    }
}
