package io.indexgate.engine.hnswlib;

import com.github.jelmerk.hnswlib.core.ObjectSerializer;
import io.indexgate.engine.VectorMath;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;

/**
 * Compact serializers for keys and items, in place of hnswlib-core's default Java serialization of every object:
 * a key is one {@code long}, an item its key, dimensions and the original components.
 */
final class HnswSerializers {

    private HnswSerializers() {
    }

    static final class Keys implements ObjectSerializer<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(Long key, ObjectOutput out) throws IOException {
            out.writeLong(key);
        }

        @Override
        public Long read(ObjectInput in) throws IOException {
            return in.readLong();
        }
    }

    static final class Items implements ObjectSerializer<HnswItem> {
        private static final long serialVersionUID = 1L;

        /** Whether the graph holds unit vectors (cosine), recomputed from the original on read. */
        private final boolean normalize;

        Items(boolean normalize) {
            this.normalize = normalize;
        }

        @Override
        public void write(HnswItem item, ObjectOutput out) throws IOException {
            out.writeLong(item.key);
            out.writeInt(item.original.length);
            for (float component : item.original) {
                out.writeFloat(component);
            }
        }

        @Override
        public HnswItem read(ObjectInput in) throws IOException {
            long key = in.readLong();
            int dimensions = in.readInt();
            if (dimensions <= 0 || dimensions > 1 << 16) {
                throw new IOException("item " + key + " has invalid dimensions " + dimensions);
            }
            float[] original = new float[dimensions];
            for (int i = 0; i < dimensions; i++) {
                original[i] = in.readFloat();
            }
            return HnswlibVectorSearchEngine.item(key, original, normalize);
        }

        static float[] graphVector(float[] original, boolean normalize) {
            return normalize ? VectorMath.normalized(original) : original;
        }
    }
}
