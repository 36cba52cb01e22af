package io.indexgate.engine.hnswlib;

import com.github.jelmerk.hnswlib.core.Item;

/**
 * One vector in the graph. {@code vector} is what distances are computed on (a unit vector under cosine, so that the
 * cheaper inner product can be used); {@code original} is the vector as added, returned by {@code getVectors}.
 */
final class HnswItem implements Item<Long, float[]> {

    private static final long serialVersionUID = 1L;

    final long key;
    final float[] vector;
    final float[] original;

    HnswItem(long key, float[] vector, float[] original) {
        this.key = key;
        this.vector = vector;
        this.original = original;
    }

    @Override
    public Long id() {
        return key;
    }

    @Override
    public float[] vector() {
        return vector;
    }

    @Override
    public int dimensions() {
        return vector.length;
    }
}
