package io.indexgate.engine.hnswlib;

import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import io.indexgate.persist.CorruptIndexException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.eclipse.collections.api.map.primitive.MutableObjectIntMap;
import org.eclipse.collections.api.map.primitive.MutableObjectLongMap;
import org.eclipse.collections.api.tuple.primitive.ObjectLongPair;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * The hnswlib engine's own binary encoding of its graph (payload format 2), in place of hnswlib-core's Java
 * serialization (format 1, which {@link HnswlibVectorSearchEngine} still reads): the same graph, node for node and
 * link for link, written with bulk little-endian puts into one array of exactly the right size. In the profile of a
 * save of 100k x 128, hnswlib-core's {@code writeObject} through an {@code ObjectOutputStream} took 57 to 75 ms of a
 * 120 to 140 ms save whose raw write took 51 ms.
 *
 * <p>Layout, all integers and floats little-endian, nothing between the fields:
 * <pre>
 * bytes "IGHG", int32 version (1), int32 dimensions, int32 M, int32 efConstruction, int32 ef,
 * int32 tombstones, int64 key x tombstones            (keys removed from the engine, still nodes in the graph)
 * int32 versions, (int64 key, int64 version) x versions (hnswlib-core's versions of removed items)
 * int32 nodeCount, int32 entryPoint (-1: none)
 * nodeCount times: int32 flags (1: present, 2: deleted); if present:
 *     int64 key, int32 levels, levels times (int32 count, int32 neighbour x count), float32 x dimensions (as added)
 * </pre>
 * A reader in another language needs nothing else: the graph vector of a cosine index is the unit vector of the stored
 * one, recomputed on load. Decoding checks every count against what is left of the payload, every neighbour against
 * the nodes and their levels, and every key for uniqueness, so a graph whose search could fail is never installed.
 *
 * <p>hnswlib-core keeps its graph private; the codec reads and fills its fields through {@link VarHandle}s. They are
 * looked up once, for the pinned hnswlib-core version: if a version lacks one, the class fails to initialize, naming
 * the field, rather than writing something else. Stateless; the caller holds the engine's lock.
 */
final class HnswGraphCodec {

    static final int VERSION = 1;
    private static final byte[] MAGIC = {'I', 'G', 'H', 'G'};
    private static final int PRESENT = 1;
    private static final int DELETED = 2;
    /** No hnswlib level comes near this (for M = 2 the expected top level of a million nodes is about 20). */
    private static final int MAX_LEVELS = 256;

    private static final VarHandle NODES;
    private static final VarHandle NODE_COUNT;
    private static final VarHandle ENTRY_POINT;
    private static final VarHandle LOOKUP;
    private static final VarHandle DELETED_VERSIONS;
    private static final VarHandle M;
    private static final VarHandle EF_CONSTRUCTION;
    private static final VarHandle NODE_ID;
    private static final VarHandle NODE_CONNECTIONS;
    private static final VarHandle NODE_ITEM;
    private static final VarHandle NODE_DELETED;
    private static final MethodHandle NEW_NODE;

    static {
        String field = "";
        try {
            MethodHandles.Lookup index = MethodHandles.privateLookupIn(HnswIndex.class, MethodHandles.lookup());
            Class<?> node = Class.forName(HnswIndex.class.getName() + "$Node");
            MethodHandles.Lookup nodes = MethodHandles.privateLookupIn(node, MethodHandles.lookup());
            field = "HnswIndex.nodes";
            NODES = index.findVarHandle(HnswIndex.class, "nodes", AtomicReferenceArray.class);
            field = "HnswIndex.nodeCount";
            NODE_COUNT = index.findVarHandle(HnswIndex.class, "nodeCount", int.class);
            field = "HnswIndex.entryPoint";
            ENTRY_POINT = index.findVarHandle(HnswIndex.class, "entryPoint", node);
            field = "HnswIndex.lookup";
            LOOKUP = index.findVarHandle(HnswIndex.class, "lookup", MutableObjectIntMap.class);
            field = "HnswIndex.deletedItemVersions";
            DELETED_VERSIONS = index.findVarHandle(HnswIndex.class, "deletedItemVersions", MutableObjectLongMap.class);
            field = "HnswIndex.m";
            M = index.findVarHandle(HnswIndex.class, "m", int.class);
            field = "HnswIndex.efConstruction";
            EF_CONSTRUCTION = index.findVarHandle(HnswIndex.class, "efConstruction", int.class);
            field = "Node.id";
            NODE_ID = nodes.findVarHandle(node, "id", int.class);
            field = "Node.connections";
            NODE_CONNECTIONS = nodes.findVarHandle(node, "connections", MutableIntList[].class);
            field = "Node.item";
            NODE_ITEM = nodes.findVarHandle(node, "item", Object.class);
            field = "Node.deleted";
            NODE_DELETED = nodes.findVarHandle(node, "deleted", boolean.class);
            field = "Node(int, MutableIntList[], Object, boolean)";
            NEW_NODE = nodes.findConstructor(node, MethodType.methodType(void.class, int.class, MutableIntList[].class,
                    Object.class, boolean.class)).asType(MethodType.methodType(Object.class, int.class,
                    MutableIntList[].class, Object.class, boolean.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("this hnswlib-core has no " + field + " as indexgate's graph codec "
                    + "expects (written for hnswlib-core 1.2.1): " + e);
        }
    }

    private HnswGraphCodec() {
    }

    /** Whether {@code start}, the payload's first bytes, are this codec's magic. */
    static boolean isGraphCodec(byte[] start) {
        return start.length >= MAGIC.length && start[0] == MAGIC[0] && start[1] == MAGIC[1] && start[2] == MAGIC[2]
                && start[3] == MAGIC[3];
    }

    /** The payload of {@code graph} and its tombstones; the caller keeps the graph from changing meanwhile. */
    static ByteBuffer encode(HnswIndex<Long, float[], HnswItem, Float> graph, Set<Long> tombstones,
                             int dimensions) {
        AtomicReferenceArray<?> nodes = (AtomicReferenceArray<?>) NODES.get(graph);
        int nodeCount = (int) NODE_COUNT.get(graph);
        MutableObjectLongMap<?> versions = (MutableObjectLongMap<?>) DELETED_VERSIONS.get(graph);
        long length = MAGIC.length + 5L * Integer.BYTES + Integer.BYTES + (long) tombstones.size() * Long.BYTES
                + Integer.BYTES + versions.size() * 2L * Long.BYTES + 2L * Integer.BYTES;
        for (int i = 0; i < nodeCount; i++) {
            Object node = nodes.get(i);
            length += Integer.BYTES;
            if (node != null) {
                MutableIntList[] levels = (MutableIntList[]) NODE_CONNECTIONS.get(node);
                length += Long.BYTES + Integer.BYTES + (long) dimensions * Float.BYTES;
                for (MutableIntList level : levels) {
                    length += Integer.BYTES + (long) level.size() * Integer.BYTES;
                }
            }
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("an hnswlib graph of " + length + " bytes is larger than one save holds");
        }
        ByteBuffer out = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putInt(VERSION).putInt(dimensions).putInt((int) M.get(graph))
                .putInt((int) EF_CONSTRUCTION.get(graph)).putInt(graph.getEf());
        out.putInt(tombstones.size());
        for (long key : tombstones) {
            out.putLong(key);
        }
        out.putInt(versions.size());
        for (ObjectLongPair<?> version : versions.keyValuesView()) {
            out.putLong((Long) version.getOne()).putLong(version.getTwo());
        }
        Object entryPoint = ENTRY_POINT.get(graph);
        out.putInt(nodeCount).putInt(entryPoint == null ? -1 : (int) NODE_ID.get(entryPoint));
        for (int i = 0; i < nodeCount; i++) {
            Object node = nodes.get(i);
            if (node == null) {
                out.putInt(0);
                continue;
            }
            HnswItem item = (HnswItem) NODE_ITEM.get(node);
            MutableIntList[] levels = (MutableIntList[]) NODE_CONNECTIONS.get(node);
            out.putInt(PRESENT | ((boolean) NODE_DELETED.get(node) ? DELETED : 0)).putLong(item.key)
                    .putInt(levels.length);
            for (MutableIntList level : levels) {
                int count = level.size();
                out.putInt(count);
                for (int j = 0; j < count; j++) {
                    out.putInt(level.get(j));
                }
            }
            out.asFloatBuffer().put(item.original);
            out.position(out.position() + item.original.length * Float.BYTES);
        }
        if (out.hasRemaining()) {
            throw new IllegalStateException("the hnswlib graph changed while it was being encoded");
        }
        return out.flip();
    }

    /** A decoded graph and the keys of its tombstones. */
    record Graph(HnswIndex<Long, float[], HnswItem, Float> index, Set<Long> tombstones) {
    }

    /** What decoding needs from the engine: a new empty graph with given parameters, and how to make an item. */
    interface Target {
        HnswIndex<Long, float[], HnswItem, Float> newGraph(int capacity, int m, int efConstruction, int ef);

        HnswItem item(long key, float[] original);
    }

    /**
     * Decodes a payload of this format from {@code in}, positioned after the magic.
     *
     * @param length the payload's length in bytes, magic included: the bound of every count
     * @throws CorruptIndexException if the payload is not a graph this codec wrote for these dimensions
     */
    static Graph decode(InputStream in, long length, int dimensions, Target target, String source)
            throws IOException {
        Reader reader = new Reader(in, length - MAGIC.length, source);
        int version = reader.getInt();
        if (version != VERSION) {
            throw new CorruptIndexException(source, "the hnswlib graph has codec version " + version + ", this "
                    + "build reads " + VERSION);
        }
        int fileDimensions = reader.getInt();
        if (fileDimensions != dimensions) {
            throw new CorruptIndexException(source, "the hnswlib graph holds vectors of " + fileDimensions
                    + " dimensions, expected " + dimensions);
        }
        int m = reader.getInt();
        int efConstruction = reader.getInt();
        int ef = reader.getInt();
        if (m < 2 || m > 1 << 16 || efConstruction < 1 || ef < 1) {
            throw new CorruptIndexException(source, "the hnswlib graph has parameters M=" + m + ", efConstruction="
                    + efConstruction + ", ef=" + ef);
        }
        Set<Long> tombstones = new HashSet<>();
        int tombstoneCount = reader.count(Long.BYTES, "tombstones");
        for (int i = 0; i < tombstoneCount; i++) {
            tombstones.add(reader.getLong());
        }
        int versionCount = reader.count(2 * Long.BYTES, "versions of removed items");
        long[] versionKeys = new long[versionCount];
        long[] versionValues = new long[versionCount];
        for (int i = 0; i < versionCount; i++) {
            versionKeys[i] = reader.getLong();
            versionValues[i] = reader.getLong();
        }
        int nodeCount = reader.count(Integer.BYTES, "nodes");
        int entryPoint = reader.getInt();
        if (entryPoint < -1 || entryPoint >= nodeCount || (entryPoint == -1) != (nodeCount == 0)) {
            throw new CorruptIndexException(source, "the hnswlib graph's entry point " + entryPoint + " is not one of "
                    + "its " + nodeCount + " nodes");
        }
        HnswIndex<Long, float[], HnswItem, Float> graph = target.newGraph(Math.max(1, nodeCount), m, efConstruction,
                ef);
        int maxM = (int) M.get(graph);
        @SuppressWarnings("unchecked")
        AtomicReferenceArray<Object> nodes = (AtomicReferenceArray<Object>) NODES.get(graph);
        @SuppressWarnings("unchecked")
        MutableObjectIntMap<Long> lookup = (MutableObjectIntMap<Long>) LOOKUP.get(graph);
        int[] topLevel = new int[nodeCount];
        for (int i = 0; i < nodeCount; i++) {
            int flags = reader.getInt();
            if (flags == 0) {
                topLevel[i] = -1;
                continue;
            }
            if ((flags & ~(PRESENT | DELETED)) != 0 || (flags & PRESENT) == 0) {
                throw new CorruptIndexException(source, "node " + i + " of the hnswlib graph has flags " + flags);
            }
            long key = reader.getLong();
            int levelCount = reader.getInt();
            if (levelCount < 1 || levelCount > MAX_LEVELS) {
                throw new CorruptIndexException(source, "node " + i + " of the hnswlib graph has " + levelCount
                        + " levels");
            }
            MutableIntList[] levels = new MutableIntList[levelCount];
            for (int level = 0; level < levelCount; level++) {
                int count = reader.count(Integer.BYTES, "neighbours of node " + i);
                IntArrayList neighbours = new IntArrayList(Math.max(count, level == 0 ? 2 * maxM : maxM));
                for (int j = 0; j < count; j++) {
                    int neighbour = reader.getInt();
                    if (neighbour < 0 || neighbour >= nodeCount) {
                        throw new CorruptIndexException(source, "node " + i + " of the hnswlib graph links to "
                                + neighbour + ", not one of its " + nodeCount + " nodes");
                    }
                    neighbours.add(neighbour);
                }
                levels[level] = neighbours;
            }
            float[] original = reader.getFloats(dimensions);
            boolean deleted = (flags & DELETED) != 0;
            if (!deleted && lookup.containsKey(key)) {
                throw new CorruptIndexException(source, "key " + key + " is twice in the hnswlib graph");
            }
            try {
                nodes.set(i, NEW_NODE.invoke(i, levels, target.item(key, original), deleted));
            } catch (Throwable e) {
                throw new IllegalStateException("cannot make an hnswlib-core node", e);
            }
            if (!deleted) {
                lookup.put(key, i);
            }
            topLevel[i] = levelCount - 1;
        }
        reader.expectEnd();
        checkLinks(nodes, nodeCount, topLevel, source);
        if (entryPoint >= 0 && topLevel[entryPoint] < 0) {
            throw new CorruptIndexException(source, "the hnswlib graph's entry point " + entryPoint + " is empty");
        }
        @SuppressWarnings("unchecked")
        MutableObjectLongMap<Long> versions = (MutableObjectLongMap<Long>) DELETED_VERSIONS.get(graph);
        for (int i = 0; i < versionCount; i++) {
            versions.put(versionKeys[i], versionValues[i]);
        }
        NODE_COUNT.set(graph, nodeCount);
        ENTRY_POINT.setVolatile(graph, entryPoint < 0 ? null : nodes.get(entryPoint));
        return new Graph(graph, tombstones);
    }

    /** Every link at level l leads to a node that has level l: a search follows it without failing. */
    private static void checkLinks(AtomicReferenceArray<Object> nodes, int nodeCount, int[] topLevel, String source)
            throws CorruptIndexException {
        for (int i = 0; i < nodeCount; i++) {
            Object node = nodes.get(i);
            if (node == null) {
                continue;
            }
            MutableIntList[] levels = (MutableIntList[]) NODE_CONNECTIONS.get(node);
            for (int level = 0; level < levels.length; level++) {
                MutableIntList neighbours = levels[level];
                for (int j = 0; j < neighbours.size(); j++) {
                    int neighbour = neighbours.get(j);
                    if (topLevel[neighbour] < level) {
                        throw new CorruptIndexException(source, "node " + i + " of the hnswlib graph links at level "
                                + level + " to node " + neighbour + ", which " + (topLevel[neighbour] < 0
                                ? "is empty" : "has no level " + level));
                    }
                }
            }
        }
    }

    /** Little-endian reads from a stream through one buffer, every read bounded by what the payload has left. */
    private static final class Reader {
        private final InputStream in;
        private final String source;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN).limit(0);
        private long left;

        Reader(InputStream in, long left, String source) {
            this.in = in;
            this.left = left;
            this.source = source;
        }

        int getInt() throws IOException {
            need(Integer.BYTES);
            return buffer.getInt();
        }

        long getLong() throws IOException {
            need(Long.BYTES);
            return buffer.getLong();
        }

        /** A count of items of {@code size} bytes each, at most what the rest of the payload can hold. */
        int count(int size, String what) throws IOException {
            int count = getInt();
            if (count < 0 || (long) count * size > left + buffer.remaining()) {
                throw new CorruptIndexException(source, "the hnswlib graph announces " + count + " " + what
                        + ", more than its payload holds");
            }
            return count;
        }

        float[] getFloats(int count) throws IOException {
            float[] floats = new float[count];
            int done = 0;
            while (done < count) {
                need(Math.min(count - done, buffer.capacity() / Float.BYTES) * Float.BYTES);
                int here = Math.min(count - done, buffer.remaining() / Float.BYTES);
                buffer.asFloatBuffer().get(floats, done, here);
                buffer.position(buffer.position() + here * Float.BYTES);
                done += here;
            }
            return floats;
        }

        void expectEnd() throws IOException {
            if (buffer.hasRemaining() || left > 0) {
                throw new CorruptIndexException(source, "the hnswlib graph ends " + (left + buffer.remaining())
                        + " bytes before its payload");
            }
        }

        /** Makes at least {@code bytes} bytes readable in the buffer, or fails if the payload ends first. */
        private void need(int bytes) throws IOException {
            if (buffer.remaining() >= bytes) {
                return;
            }
            if (buffer.remaining() + left < bytes) {
                throw new CorruptIndexException(source, "the hnswlib graph is cut short: " + bytes + " bytes needed, "
                        + (buffer.remaining() + left) + " left");
            }
            buffer.compact();
            while (buffer.position() < bytes) {
                int wanted = (int) Math.min(buffer.remaining(), left);
                int read = in.read(buffer.array(), buffer.arrayOffset() + buffer.position(), wanted);
                if (read < 0) {
                    throw new EOFException("the payload stream ended " + left + " bytes early");
                }
                buffer.position(buffer.position() + read);
                left -= read;
            }
            buffer.flip();
        }
    }
}
