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
        /**
         * The bytes of one vector, reused from one item to the next: a new array per item was a third of a load's
         * allocation and of the collector's work. One instance serves one stream at a time (reads happen inside one
         * deserialization, which makes its own instance; writes under the engine's save lock).
         */
        private transient byte[] scratch;

        Items(boolean normalize) {
            this.normalize = normalize;
        }

        @Override
        public void write(HnswItem item, ObjectOutput out) throws IOException {
            out.writeLong(item.key);
            out.writeInt(item.original.length);
            // The bytes of one writeFloat per component (big-endian), written as one block: a call per component
            // was most of a save's time in the profile.
            byte[] components = scratch(item.original.length);
            ByteBuffer.wrap(components).asFloatBuffer().put(item.original);
            out.write(components, 0, item.original.length * Float.BYTES);
        }

        @Override
        public HnswItem read(ObjectInput in) throws IOException {
            long key = in.readLong();
            int dimensions = in.readInt();
            if (dimensions <= 0 || dimensions > 1 << 16) {
                throw new IOException("item " + key + " has invalid dimensions " + dimensions);
            }
            // One readFully in place of a readFloat per component, which was most of a load's time: the same bytes.
            byte[] components = scratch(dimensions);
            in.readFully(components, 0, dimensions * Float.BYTES);
            float[] original = new float[dimensions];
            ByteBuffer.wrap(components, 0, dimensions * Float.BYTES).asFloatBuffer().get(original);
            return HnswlibVectorSearchEngine.item(key, original, normalize);
        }

        private byte[] scratch(int dimensions) {
            int length = dimensions * Float.BYTES;
            if (scratch == null || scratch.length < length) {
                scratch = new byte[length];
            }
            return scratch;
        }

        static float[] graphVector(float[] original, boolean normalize) {
            return normalize ? VectorMath.normalized(original) : original;
        }
    }
}
