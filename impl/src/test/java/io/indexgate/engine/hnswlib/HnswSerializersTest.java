package io.indexgate.engine.hnswlib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

/** The block-wise item serializer reads and writes exactly the stream of one writeFloat per component. */
class HnswSerializersTest {

    private static final float[] ORIGINAL = {1.5f, -2.25f, 0f, Float.MIN_VALUE, 3e30f, -0f, 7f};

    @Test
    void readsAnItemWrittenOneFloatAtATime() throws IOException {
        // The encoding before the block serializer: key, dimensions, then a writeFloat per component.
        ByteArrayOutputStream old = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(old)) {
            out.writeLong(42);
            out.writeInt(ORIGINAL.length);
            for (float component : ORIGINAL) {
                out.writeFloat(component);
            }
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(old.toByteArray()))) {
            HnswItem item = new HnswSerializers.Items(false).read(in);
            assertEquals(42, item.key);
            assertArrayEquals(ORIGINAL, item.original);
        }
    }

    @Test
    void writesTheBytesTheOldReaderReads() throws IOException {
        ByteArrayOutputStream now = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(now)) {
            new HnswSerializers.Items(false).write(new HnswItem(42, ORIGINAL, ORIGINAL), out);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(now.toByteArray()))) {
            assertEquals(42, in.readLong());
            float[] read = new float[in.readInt()];
            for (int i = 0; i < read.length; i++) {
                read[i] = in.readFloat();
            }
            assertArrayEquals(ORIGINAL, read);
        }
    }
}
