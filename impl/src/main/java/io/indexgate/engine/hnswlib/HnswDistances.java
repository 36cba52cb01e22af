package io.indexgate.engine.hnswlib;

import com.github.jelmerk.hnswlib.core.DistanceFunction;
import io.indexgate.engine.VectorMath;

/**
 * The graph's distance functions, lower is closer. They are {@code Serializable} because hnswlib-core writes its
 * distance function into the index; both are on the deserialization allow-list.
 */
final class HnswDistances {

    private HnswDistances() {
    }

    /** {@code 1 - a.b}: dot product, or cosine similarity on unit vectors. */
    static final class InnerProduct implements DistanceFunction<float[], Float> {
        private static final long serialVersionUID = 1L;

        @Override
        public Float distance(float[] a, float[] b) {
            return 1f - VectorMath.dot(a, b);
        }
    }

    /** The squared Euclidean distance; its order is that of the distance, without the square root. */
    static final class SquaredEuclidean implements DistanceFunction<float[], Float> {
        private static final long serialVersionUID = 1L;

        @Override
        public Float distance(float[] a, float[] b) {
            return VectorMath.squaredDistance(a, b);
        }
    }
}
