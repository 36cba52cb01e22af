package io.indexgate.engine.hnswlib;

import com.github.jelmerk.hnswlib.core.DistanceFunction;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import io.indexgate.engine.AbstractVectorSearchEngine;
import io.indexgate.engine.AllowedKeys;
import io.indexgate.engine.EngineOptions;
import io.indexgate.engine.SearchMatch;
import io.indexgate.engine.SimilarityMetric;
import io.indexgate.engine.TopMatches;
import io.indexgate.persist.CorruptIndexException;
import io.indexgate.persist.EnvelopeHeader;
import io.indexgate.persist.VerifiedStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * An HNSW graph on hnswlib-core (pure Java). Defaults: M=16, efConstruction=128, ef=128 (see {@link EngineOptions}).
 *
 * <ul>
 *   <li><b>Metrics.</b> Cosine runs as inner product on unit vectors (the original vector is kept for
 *       {@code getVectors}); dot product as {@code 1 - a.b}; Euclidean on the squared distance, converted to the
 *       distance for scores.</li>
 *   <li><b>Removal marks, it does not delete.</b> hnswlib-core's own removal flags the node deleted, and its search
 *       then stops early: a deleted node never enters the result queue, so the bound that ends the search stays at
 *       the live nodes found so far, and the search can end before it crosses the deleted nodes that lead to a live
 *       one (C++ hnswlib keeps searching while deletions exist and the queue is not full; hnswlib-core 1.2.1 does
 *       not). Under remove/add churn that left acknowledged records that no query reached. So a removed key stays
 *       in the graph as an ordinary node, is recorded as a tombstone, and is filtered out of every result: the
 *       graph is searched with growing oversampling until enough live results are found, then exactly.</li>
 *   <li><b>Rebuilds.</b> Adding a key that is in the graph (a tombstone, or a live key with a new vector) first
 *       rebuilds the graph from the live items without it, since hnswlib-core's own replacement of a node is a
 *       removal; so does a tombstone count above the live count ({@value #REBUILD_MIN_TOMBSTONES} at least), which
 *       bounds the oversampling. Capacity doubles as needed.</li>
 *   <li><b>Filtered search.</b> hnswlib-core cannot filter during traversal, so: when the allowed keys present are
 *       few ({@value #EXACT_FILTER_MAX_KEYS} or less) or rare (under 1 in {@value #EXACT_FILTER_MIN_SELECTIVITY} of
 *       the index), they are scored exactly; otherwise the graph is searched with oversampling ({@code limit} times
 *       the inverse selectivity, times two) and the oversampling grows fourfold until the allowed results fill
 *       {@code min(limit, allowed present)}, falling back to the exact scan of the allowed keys.</li>
 *   <li><b>Persistence.</b> The payload is {@link HnswGraphCodec}'s binary encoding of the graph and its
 *       tombstones (format 2, documented there), streamed from the file after its verification (see
 *       {@link io.indexgate.persist.VerifiedStream}). Files of format 1 (the tombstone key list, then hnswlib-core's
 *       Java serialization of the graph, written until 2026-12-04) still load, read through an
 *       {@link ObjectInputStream} with an {@link ObjectInputFilter} allow-list; so do older files whose removed keys
 *       are deleted hnswlib-core nodes, which are rebuilt on load.</li>
 * </ul>
 * Thread-safe (see {@link io.indexgate.engine.VectorSearchEngine}).
 */
public final class HnswlibVectorSearchEngine extends AbstractVectorSearchEngine<HnswlibVectorSearchEngine.Decoded> {

    /** The engine id in index headers and collection configs. */
    public static final String ENGINE_ID = "hnswlib";

    static final int EXACT_FILTER_MAX_KEYS = 2048;
    static final int EXACT_FILTER_MIN_SELECTIVITY = 20;
    private static final int INITIAL_CAPACITY = 1024;
    private static final int PARALLEL_ADD_MIN_BATCH = 2048;
    static final int REBUILD_MIN_TOMBSTONES = 64;

    /** Only the classes that hnswlib-core's serialization of our index writes; everything else is rejected. */
    private static final ObjectInputFilter ALLOW_LIST = ObjectInputFilter.Config.createFilter(
            "maxdepth=8;maxrefs=64;maxarray=0;"
                    + "com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;"
                    + "com.github.jelmerk.hnswlib.core.hnsw.HnswIndex$MaxValueComparator;"
                    + "java.util.Comparators$NaturalOrderComparator;"
                    + "java.lang.Enum;"
                    + "io.indexgate.engine.hnswlib.HnswDistances$InnerProduct;"
                    + "io.indexgate.engine.hnswlib.HnswDistances$SquaredEuclidean;"
                    + "io.indexgate.engine.hnswlib.HnswSerializers$Keys;"
                    + "io.indexgate.engine.hnswlib.HnswSerializers$Items;"
                    + "!*");

    private final boolean normalize;
    /** The graph: live items and tombstones, all ordinary hnswlib-core nodes. */
    private HnswIndex<Long, float[], HnswItem, Float> index;
    /** The keys of the graph's tombstones (removed, still nodes, never returned); saved with the graph. */
    private java.util.Set<Long> removedKeys = new java.util.HashSet<>();

    public HnswlibVectorSearchEngine(EngineOptions options) {
        super(options);
        this.normalize = options.metric() == SimilarityMetric.COSINE;
        this.index = newIndex(INITIAL_CAPACITY);
    }

    @Override
    public String engineId() {
        return ENGINE_ID;
    }

    static HnswItem item(long key, float[] original, boolean normalize) {
        return new HnswItem(key, HnswSerializers.Items.graphVector(original, normalize), original);
    }

    private HnswIndex<Long, float[], HnswItem, Float> newIndex(int capacity) {
        return newIndex(capacity, options().connectivity(), options().expansionAdd(), options().expansionSearch());
    }

    private HnswIndex<Long, float[], HnswItem, Float> newIndex(int capacity, int m, int efConstruction, int ef) {
        DistanceFunction<float[], Float> distance = options().metric() == SimilarityMetric.EUCLIDEAN
                ? new HnswDistances.SquaredEuclidean() : new HnswDistances.InnerProduct();
        return HnswIndex.newBuilder(options().dimensions(), distance, capacity)
                .withM(m)
                .withEfConstruction(efConstruction)
                .withEf(ef)
                .withRemoveEnabled()
                .withCustomSerializers(new HnswSerializers.Keys(), new HnswSerializers.Items(normalize))
                .build();
    }

    @Override
    protected void addUnlocked(long[] keys, float[][] vectors) {
        boolean replacing = false;
        for (long key : keys) {
            if (index.get(key).isPresent()) {
                removedKeys.add(key);
                replacing = true;
            }
        }
        if (replacing) {
            rebuild();
        }
        long needed = index.size() + keys.length;
        if (needed > index.getMaxItemCount()) {
            long grown = Math.max(needed, 2L * index.getMaxItemCount());
            index.resize((int) Math.min(grown, Integer.MAX_VALUE - 8));
        }
        HnswItem[] items = new HnswItem[keys.length];
        for (int i = 0; i < keys.length; i++) {
            items[i] = item(keys[i], vectors[i].clone(), normalize);
        }
        // hnswlib-core's add is thread-safe; large batches (bulk loads, replay) use every core.
        IntStream range = IntStream.range(0, items.length);
        (items.length >= PARALLEL_ADD_MIN_BATCH ? range.parallel() : range).forEach(i -> index.add(items[i]));
    }

    @Override
    protected List<SearchMatch> searchUnlocked(float[] query, int limit, AllowedKeys allowed) {
        float[] graphQuery = normalize ? io.indexgate.engine.VectorMath.normalized(query) : query;
        if (allowed == null && removedKeys.isEmpty()) {
            return graphSearch(graphQuery, limit, limit, key -> true);
        }
        List<HnswItem> present = new ArrayList<>();
        java.util.function.LongPredicate wantedKey;
        if (allowed == null) {
            wantedKey = key -> !removedKeys.contains(key);
        } else {
            for (long key : allowed.toArray()) {
                if (!removedKeys.contains(key)) {
                    index.get(key).ifPresent(present::add);
                }
            }
            wantedKey = key -> allowed.contains(key) && !removedKeys.contains(key);
        }
        int size = index.size();
        int candidatesPresent = allowed == null ? size - removedKeys.size() : present.size();
        int wanted = Math.min(limit, candidatesPresent);
        if (wanted == 0) {
            return List.of();
        }
        if (allowed != null && (present.size() <= EXACT_FILTER_MAX_KEYS
                || (long) present.size() * EXACT_FILTER_MIN_SELECTIVITY < size)) {
            return exactSearch(graphQuery, wanted, present);
        }
        long candidates = 2L * limit * size / candidatesPresent;
        while (candidates < size) {
            List<SearchMatch> matches = graphSearch(graphQuery, (int) candidates, wanted, wantedKey);
            if (matches.size() >= wanted) {
                return matches;
            }
            candidates *= 4;
        }
        if (allowed == null) {
            index.items().stream().filter(item -> !removedKeys.contains(item.key)).forEach(present::add);
        }
        return exactSearch(graphQuery, wanted, present);
    }

    private List<SearchMatch> graphSearch(float[] graphQuery, int candidates, int wanted,
                                          java.util.function.LongPredicate wantedKey) {
        List<SearchResult<HnswItem, Float>> results = index.findNearest(graphQuery, candidates);
        List<SearchMatch> matches = new ArrayList<>(Math.min(wanted, results.size()));
        for (SearchResult<HnswItem, Float> result : results) {
            if (wantedKey.test(result.item().key)) {
                matches.add(new SearchMatch(result.item().key, score(result.distance())));
                if (matches.size() == wanted) {
                    break;
                }
            }
        }
        return matches;
    }

    private List<SearchMatch> exactSearch(float[] graphQuery, int limit, List<HnswItem> candidates) {
        TopMatches top = new TopMatches(limit, options().metric());
        DistanceFunction<float[], Float> distance = index.getDistanceFunction();
        for (HnswItem item : candidates) {
            top.offer(item.key, score(distance.distance(graphQuery, item.vector)));
        }
        return top.bestFirst();
    }

    private float score(float graphDistance) {
        return options().metric() == SimilarityMetric.EUCLIDEAN ? (float) Math.sqrt(graphDistance) : 1f - graphDistance;
    }

    @Override
    protected float[] vectorUnlocked(long key) {
        return removedKeys.contains(key) ? null : index.get(key).map(item -> item.original).orElse(null);
    }

    @Override
    protected void removeUnlocked(long key) {
        if (!removedKeys.contains(key) && index.get(key).isPresent()) {
            removedKeys.add(key);
            int tombstones = removedKeys.size();
            if (tombstones >= REBUILD_MIN_TOMBSTONES && tombstones > index.size() - tombstones) {
                rebuild();
            }
        }
    }

    /** Replaces the graph with a new one built from the live items only: no tombstones, fresh links. */
    private void rebuild() {
        List<HnswItem> live = index.items().stream().filter(item -> !removedKeys.contains(item.key)).toList();
        HnswIndex<Long, float[], HnswItem, Float> rebuilt = newIndex(Math.max(INITIAL_CAPACITY, 2 * live.size()));
        IntStream range = IntStream.range(0, live.size());
        (live.size() >= PARALLEL_ADD_MIN_BATCH ? range.parallel() : range).forEach(i -> rebuilt.add(live.get(i)));
        index = rebuilt;
        removedKeys = new java.util.HashSet<>();
    }

    @Override
    protected long[] keysUnlocked() {
        return index.items().stream().mapToLong(item -> item.key).filter(key -> !removedKeys.contains(key)).sorted()
                .toArray();
    }

    @Override
    protected long sizeUnlocked() {
        return index.size() - removedKeys.size();
    }

    @Override
    protected Payload encodeUnlocked() {
        return new Payload(HnswGraphCodec.encode(index, removedKeys, options().dimensions()), sizeUnlocked());
    }

    /**
     * The payload of format 1, hnswlib-core's Java serialization of the graph behind the tombstone keys, which this
     * engine wrote before {@link HnswGraphCodec}; for the tests that check that such files still load.
     */
    ByteBuffer encodeJavaSerialization() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeInt(removedKeys.size());
            for (long key : removedKeys) {
                out.writeLong(key);
            }
            out.writeObject(index);
        }
        return ByteBuffer.wrap(bytes.toByteArray());
    }

    /** A decoded payload: the graph and the keys of its tombstones. */
    record Decoded(HnswIndex<Long, float[], HnswItem, Float> index, java.util.Set<Long> removedKeys) {
    }

    /** Loads stream the file: the graph is rebuilt as Java objects, nothing of the file's bytes is kept. */
    @Override
    protected boolean decodesStreams() {
        return true;
    }

    @Override
    protected Decoded decode(VerifiedStream verified, String source) throws IOException {
        return decode(verified.payload(), verified.header(), source);
    }

    /** Either format: {@link HnswGraphCodec}'s (2), or hnswlib-core's Java serialization (1, before it). */
    private Decoded decode(InputStream payload, EnvelopeHeader header, String source) throws CorruptIndexException {
        byte[] start;
        try {
            start = payload.readNBytes(4);
        } catch (IOException e) {
            throw CorruptIndexException.because(source, "the hnswlib payload cannot be read: " + e, e);
        }
        if (!HnswGraphCodec.isGraphCodec(start)) {
            return decodeJavaSerialization(new SequenceInputStream(new ByteArrayInputStream(start), payload), header,
                    source);
        }
        HnswGraphCodec.Graph graph;
        try {
            graph = HnswGraphCodec.decode(payload, header.payloadLength(), options().dimensions(),
                    new HnswGraphCodec.Target() {
                        @Override
                        public HnswIndex<Long, float[], HnswItem, Float> newGraph(int capacity, int m,
                                                                                 int efConstruction, int ef) {
                            return newIndex(Math.max(INITIAL_CAPACITY, capacity), m, efConstruction, ef);
                        }

                        @Override
                        public HnswItem item(long key, float[] original) {
                            return HnswlibVectorSearchEngine.item(key, original, normalize);
                        }
                    }, source);
        } catch (CorruptIndexException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw CorruptIndexException.because(source, "the hnswlib payload cannot be decoded: " + e, e);
        }
        return checked(graph.index(), graph.tombstones(), header, source);
    }

    @SuppressWarnings("unchecked")
    private Decoded decodeJavaSerialization(InputStream payload, EnvelopeHeader header, String source)
            throws CorruptIndexException {
        Object decoded;
        java.util.Set<Long> removed = new java.util.HashSet<>();
        try (ObjectInputStream in = new ObjectInputStream(payload)) {
            in.setObjectInputFilter(ALLOW_LIST);
            int count = in.readInt();
            if (count < 0 || count > header.payloadLength() / Long.BYTES) {
                throw new CorruptIndexException(source, "the hnswlib payload announces " + count + " removed keys");
            }
            for (int i = 0; i < count; i++) {
                removed.add(in.readLong());
            }
            decoded = in.readObject();
        } catch (CorruptIndexException e) {
            throw e;
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            throw CorruptIndexException.because(source, "the hnswlib payload cannot be decoded: " + e, e);
        }
        if (!(decoded instanceof HnswIndex<?, ?, ?, ?> loaded)) {
            throw new CorruptIndexException(source, "the payload is not an hnswlib index");
        }
        return checked((HnswIndex<Long, float[], HnswItem, Float>) loaded, removed, header, source);
    }

    /** The decoded graph, if it holds as many live items of the right dimensions as the header announces. */
    private Decoded checked(HnswIndex<Long, float[], HnswItem, Float> graph, java.util.Set<Long> removed,
                            EnvelopeHeader header, String source) throws CorruptIndexException {
        long tombstonesInGraph = removed.stream().filter(key -> graph.get(key).isPresent()).count();
        long live = graph.size() - tombstonesInGraph;
        if (graph.getDimensions() != options().dimensions() || live != header.entryCount()) {
            throw new CorruptIndexException(source, "the hnswlib payload holds " + live + " live items of "
                    + graph.getDimensions() + " dimensions, the header announces "
                    + header.entryCount() + " of " + options().dimensions());
        }
        return new Decoded(graph, removed);
    }

    @Override
    protected void installUnlocked(Decoded decoded) {
        index = decoded.index();
        index.setEf(options().expansionSearch());
        removedKeys = decoded.removedKeys();
        // A file from before tombstones stayed in the graph holds its removed keys as deleted hnswlib-core nodes,
        // which its search cannot be trusted with: rebuild without them.
        boolean legacy = removedKeys.stream().anyMatch(key -> index.get(key).isEmpty());
        removedKeys.removeIf(key -> index.get(key).isEmpty());
        if (legacy) {
            rebuild();
        }
    }

    @Override
    protected void closeUnlocked() {
        index = newIndex(1);
    }
}
