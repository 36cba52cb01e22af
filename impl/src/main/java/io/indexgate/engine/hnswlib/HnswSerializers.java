package io.indexgate.engine.hnswlib;

import com.github.jelmerk.hnswlib.core.ObjectSerializer;
import io.indexgate.engine.VectorMath;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.nio.ByteBuffer;

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
            // The bytes of one writeFloat per component (big-endian), written as one block: a call per component
            // was most of a save's time in the profile.
            byte[] components = new byte[item.original.length * Float.BYTES];
            ByteBuffer.wrap(components).asFloatBuffer().put(item.original);
            out.write(components);
        }

        @Override
        public HnswItem read(ObjectInput in) throws IOException {
            long key = in.readLong();
            int dimensions = in.readInt();
            if (dimensions <= 0 || dimensions > 1 << 16) {
                throw new IOException("item " + key + " has invalid dimensions " + dimensions);
            }
            // One readFully in place of a readFloat per component, which was most of a load's time: the same bytes.
            byte[] components = new byte[dimensions * Float.BYTES];
            in.readFully(components);
            float[] original = new float[dimensions];
            ByteBuffer.wrap(components).asFloatBuffer().get(original);
            return HnswlibVectorSearchEngine.item(key, original, normalize);
        }

        static float[] graphVector(float[] original, boolean normalize) {
            return normalize ? VectorMath.normalized(original) : original;
        }
    }
}
