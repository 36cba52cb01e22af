package io.indexgate.engine.usearch;

import io.indexgate.engine.AbstractVectorSearchEngine;
import io.indexgate.engine.AllowedKeys;
import io.indexgate.engine.EngineOptions;
import io.indexgate.engine.SearchMatch;
import io.indexgate.engine.SimilarityMetric;
import io.indexgate.engine.TopMatches;
import io.indexgate.persist.CorruptIndexException;
import io.indexgate.persist.VerifiedIndex;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * USearch (native, through our JNI binding) with f32 storage: connectivity 16, expansion add 128, expansion search
 * 128 unless configured. Same semantics and scores as the other engines.
 *
 * <ul>
 *   <li><b>Keys</b> are the store's row ids as USearch's uint64 keys; the engine also keeps them in a Java set, so that
 *       they can be listed and persisted next to the index.</li>
 *   <li><b>Removal is soft.</b> USearch 2.26's own removal frees the slot for reuse without repairing the graph, and
 *       under remove/add churn it leaves live vectors that no search reaches (found by this project's durability
 *       gate: about one small index in four after 300 mixed operations). So a removed key is only marked here:
 *       searches exclude marked keys through USearch's filtered search, whose traversal still passes through them,
 *       and the index is rebuilt from the live vectors when marked keys outnumber live ones
 *       ({@value #COMPACT_MIN_REMOVED} at least) or when a marked key is added again (as replay does).</li>
 *   <li><b>Capacity</b> is reserved ahead of inserts, doubling.</li>
 *   <li><b>Filtered search</b>: when the allowed keys present are few ({@value #EXACT_FILTER_MAX_KEYS} or less) they
 *       are scored exactly, which is both exact and cheaper than a graph walk; otherwise USearch's own filtered search
 *       (the predicate applied during the graph traversal) runs, and if it returns fewer than
 *       {@code min(limit, allowed present)} results, the allowed keys are scored exactly.</li>
 *   <li><b>Persistence</b> goes through Java: USearch serializes into a direct buffer (its length asked first), the
 *       buffer is framed in the envelope and written by {@link io.indexgate.persist.AtomicIndexWriter}, so every byte
 *       crosses the Java {@code FileChannel} path. Payload, little-endian: the live key count and keys ascending, the
 *       removed (marked) key count and keys ascending, the USearch blob's length, the blob. On load the envelope is verified first, then the key list is checked in Java, and only
 *       then the blob reaches USearch; afterwards its size and keys are checked against the list.</li>
 *   <li><b>Native memory</b> is owned by this object ({@link #close}); a {@link Cleaner} frees it if an engine is
 *       dropped unclosed.</li>
 *   <li><b>Thread safety</b>: searches run in parallel, up to the number of USearch thread contexts (the number of
 *       processors); mutations, loads and close are exclusive.</li>
 * </ul>
 */
public final class USearchVectorSearchEngine extends AbstractVectorSearchEngine<USearchVectorSearchEngine.Loaded> {

    /** The engine id in index headers and collection configs. */
    public static final String ENGINE_ID = "usearch";

    static final int EXACT_FILTER_MAX_KEYS = 256;
    static final int COMPACT_MIN_REMOVED = 1024;
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int INITIAL_CAPACITY = 1024;

    private final int metricKind;
    private final Semaphore searchContexts = new Semaphore(Runtime.getRuntime().availableProcessors());
    private NativeIndex index;
    private Cleaner.Cleanable cleanable;
    private Set<Long> keys = new HashSet<>();
    /** Removed keys still in the native graph; sorted copy cached for searches, null when stale. */
    private Set<Long> removed = new HashSet<>();
    private long[] removedSorted = new long[0];

    /** Whether the native library is available in this build and platform. */
    public static boolean isAvailable() {
        return USearchNative.isAvailable();
    }

    /** Why it is not, or null. */
    public static String unavailableReason() {
        return USearchNative.unavailableReason();
    }

    /** USearch's version and the SIMD capabilities it uses on this machine. */
    public static String describe() {
        ensureAvailable();
        return "USearch " + USearchNative.version() + " (" + USearchNative.hardwareAcceleration() + ")";
    }

    private static void ensureAvailable() {
        if (!USearchNative.isAvailable()) {
            throw new IllegalStateException("the USearch engine is unavailable: " + USearchNative.unavailableReason());
        }
    }

    /** @throws IllegalStateException naming the reason if the native library is unavailable */
    public USearchVectorSearchEngine(EngineOptions options) {
        super(options);
        ensureAvailable();
        this.metricKind = switch (options.metric()) {
            case COSINE -> USearchNative.METRIC_COSINE;
            case DOT -> USearchNative.METRIC_INNER_PRODUCT;
            case EUCLIDEAN -> USearchNative.METRIC_SQUARED_EUCLIDEAN;
        };
        install(newIndex());
        USearchNative.reserve(index.handle, INITIAL_CAPACITY);
    }

    /** Owns one native index; run by the Cleaner or by close, exactly once. */
    private static final class NativeIndex implements Runnable {
        private volatile long handle;

        NativeIndex(long handle) {
            this.handle = handle;
        }

        @Override
        public void run() {
            long address = handle;
            handle = 0;
            if (address != 0) {
                USearchNative.free(address);
            }
        }
    }

    private NativeIndex newIndex() {
        EngineOptions options = options();
        return new NativeIndex(USearchNative.init(metricKind, options.dimensions(), options.connectivity(),
                options.expansionAdd(), options.expansionSearch()));
    }

    private void install(NativeIndex replacement) {
        Cleaner.Cleanable previous = cleanable;
        index = replacement;
        cleanable = CLEANER.register(this, replacement);
        if (previous != null) {
            previous.clean();
        }
    }

    @Override
    public String engineId() {
        return ENGINE_ID;
    }

    @Override
    protected void addUnlocked(long[] added, float[][] vectors) {
        for (long key : added) {
            if (removed.contains(key)) {
                compact();
                break;
            }
        }
        reserveFor(added.length);
        addNative(index, added, vectors);
        for (long key : added) {
            keys.add(key);
        }
    }

    private void reserveFor(long more) {
        long needed = keys.size() + removed.size() + more;
        long capacity = USearchNative.capacity(index.handle);
        if (needed > capacity) {
            USearchNative.reserve(index.handle, Math.max(needed, 2 * capacity));
        }
    }

    private void addNative(NativeIndex target, long[] added, float[][] vectors) {
        int dimensions = options().dimensions();
        float[] flat = new float[added.length * dimensions];
        for (int i = 0; i < added.length; i++) {
            System.arraycopy(vectors[i], 0, flat, i * dimensions, dimensions);
        }
        USearchNative.add(target.handle, added, flat, dimensions);
    }

    /** Rebuilds the native index from the live vectors, dropping every removed key. */
    private void compact() {
        long[] live = keysUnlocked();
        float[][] vectors = new float[live.length][];
        for (int i = 0; i < live.length; i++) {
            vectors[i] = new float[options().dimensions()];
            if (!USearchNative.get(index.handle, live[i], vectors[i])) {
                throw new IllegalStateException("key " + live[i] + " vanished from the USearch index");
            }
        }
        NativeIndex rebuilt = newIndex();
        try {
            USearchNative.reserve(rebuilt.handle, Math.max(INITIAL_CAPACITY, 2L * live.length));
            addNative(rebuilt, live, vectors);
        } catch (RuntimeException e) {
            rebuilt.run();
            throw e;
        }
        install(rebuilt);
        removed = new HashSet<>();
        removedSorted = new long[0];
    }

    @Override
    protected List<SearchMatch> searchUnlocked(float[] query, int limit, AllowedKeys allowed) {
        if (allowed == null) {
            return keys.isEmpty() ? List.of() : removed.isEmpty()
                    ? nativeSearch(query, Math.min(limit, keys.size()), null, false)
                    : nativeSearch(query, Math.min(limit, keys.size()), removedSorted, true);
        }
        long[] present = java.util.Arrays.stream(allowed.toArray()).filter(keys::contains).toArray();
        int wanted = Math.min(limit, present.length);
        if (wanted == 0) {
            return List.of();
        }
        if (present.length > EXACT_FILTER_MAX_KEYS) {
            List<SearchMatch> matches = nativeSearch(query, wanted, present, false);
            if (matches.size() >= wanted) {
                return matches;
            }
        }
        return exactSearch(query, wanted, present);
    }

    private List<SearchMatch> nativeSearch(float[] query, int count, long[] keysSorted, boolean exclude) {
        long[] found = new long[count];
        float[] distances = new float[count];
        int matches;
        searchContexts.acquireUninterruptibly();
        try {
            matches = USearchNative.search(index.handle, query, count, keysSorted, exclude, found, distances);
        } finally {
            searchContexts.release();
        }
        List<SearchMatch> results = new ArrayList<>(matches);
        for (int i = 0; i < matches; i++) {
            results.add(new SearchMatch(found[i], score(distances[i])));
        }
        return results;
    }

    private List<SearchMatch> exactSearch(float[] query, int limit, long[] candidates) {
        SimilarityMetric metric = options().metric();
        TopMatches top = new TopMatches(limit, metric);
        float[] vector = new float[options().dimensions()];
        for (long key : candidates) {
            if (USearchNative.get(index.handle, key, vector)) {
                top.offer(key, metric.score(query, vector));
            }
        }
        return top.bestFirst();
    }

    private float score(float distance) {
        return options().metric() == SimilarityMetric.EUCLIDEAN ? (float) Math.sqrt(Math.max(0f, distance))
                : 1f - distance;
    }

    @Override
    protected float[] vectorUnlocked(long key) {
        if (!keys.contains(key)) {
            return null;
        }
        float[] vector = new float[options().dimensions()];
        return USearchNative.get(index.handle, key, vector) ? vector : null;
    }

    @Override
    protected void removeUnlocked(long key) {
        if (keys.remove(key)) {
            removed.add(key);
            if (removed.size() >= COMPACT_MIN_REMOVED && removed.size() > keys.size()) {
                compact();
            } else {
                removedSorted = removed.stream().mapToLong(Long::longValue).sorted().toArray();
            }
        }
    }

    @Override
    protected long[] keysUnlocked() {
        return keys.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    @Override
    protected long sizeUnlocked() {
        return keys.size();
    }

    @Override
    protected Payload encodeUnlocked() {
        long[] sorted = keysUnlocked();
        long blobLength = USearchNative.serializedLength(index.handle);
        long headerLength = Long.BYTES * (3L + sorted.length + removedSorted.length);
        if (headerLength + blobLength > Integer.MAX_VALUE - 64) {
            throw new IllegalStateException("the USearch index of " + blobLength + " bytes exceeds the 2 GiB an "
                    + "index file may hold");
        }
        ByteBuffer payload = ByteBuffer.allocateDirect((int) (headerLength + blobLength))
                .order(ByteOrder.LITTLE_ENDIAN);
        payload.putLong(sorted.length);
        for (long key : sorted) {
            payload.putLong(key);
        }
        payload.putLong(removedSorted.length);
        for (long key : removedSorted) {
            payload.putLong(key);
        }
        payload.putLong(blobLength);
        USearchNative.saveBuffer(index.handle, payload, headerLength, blobLength);
        return new Payload(payload.position(0).limit((int) (headerLength + blobLength)), sorted.length);
    }

    /** A decoded payload: a native index loaded from verified bytes, not yet owned by any engine, and its keys. */
    record Loaded(NativeIndex index, Set<Long> keys, long[] removedSorted) {
    }

    @Override
    protected Loaded decode(VerifiedIndex verified, String source) throws CorruptIndexException {
        ByteBuffer payload = verified.payload().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (payload.remaining() < 2 * Long.BYTES) {
            throw new CorruptIndexException(source, "the usearch payload is shorter than its header");
        }
        long count = payload.getLong();
        if (count != verified.header().entryCount()) {
            throw new CorruptIndexException(source, "the usearch payload announces " + count + " keys, the header "
                    + verified.header().entryCount());
        }
        long[] live = readKeys(payload, count, source, "live");
        if (payload.remaining() < Long.BYTES) {
            throw new CorruptIndexException(source, "the usearch payload ends before its removed-key list");
        }
        long[] removedKeys = readKeys(payload, payload.getLong(), source, "removed");
        Set<Long> loadedKeys = new HashSet<>();
        for (long key : live) {
            loadedKeys.add(key);
        }
        for (long key : removedKeys) {
            if (loadedKeys.contains(key)) {
                throw new CorruptIndexException(source, "key " + key + " is listed both live and removed");
            }
        }
        if (payload.remaining() < Long.BYTES) {
            throw new CorruptIndexException(source, "the usearch payload ends before its blob");
        }
        long blobLength = payload.getLong();
        if (blobLength != payload.remaining() || blobLength <= 0) {
            throw new CorruptIndexException(source, "the usearch blob length " + blobLength + " differs from the "
                    + payload.remaining() + " bytes that follow");
        }
        NativeIndex loaded = newIndex();
        try {
            USearchNative.loadBuffer(loaded.handle, verified.payload(), payload.position(), blobLength);
            USearchNative.changeExpansionSearch(loaded.handle, options().expansionSearch());
            long size = USearchNative.size(loaded.handle);
            if (size != live.length + removedKeys.length) {
                throw new CorruptIndexException(source, "the usearch index holds " + size + " vectors, its key "
                        + "lists " + live.length + " live and " + removedKeys.length + " removed");
            }
            for (long[] listed : new long[][] {live, removedKeys}) {
                for (long key : listed) {
                    if (!USearchNative.contains(loaded.handle, key)) {
                        throw new CorruptIndexException(source, "key " + key + " is listed but not in the index");
                    }
                }
            }
        } catch (CorruptIndexException e) {
            loaded.run();
            throw e;
        } catch (IllegalStateException e) {
            loaded.run();
            CorruptIndexException corrupt = new CorruptIndexException(source, "USearch rejected the index: "
                    + e.getMessage());
            corrupt.initCause(e);
            throw corrupt;
        }
        return new Loaded(loaded, loadedKeys, removedKeys);
    }

    @Override
    protected void installUnlocked(Loaded decoded) {
        install(decoded.index());
        keys = decoded.keys();
        removedSorted = decoded.removedSorted();
        removed = new HashSet<>();
        for (long key : removedSorted) {
            removed.add(key);
        }
    }

    @Override
    protected void discard(Loaded decoded) {
        decoded.index().run();
    }

    @Override
    protected void closeUnlocked() {
        cleanable.clean();
        keys = new HashSet<>();
        removed = new HashSet<>();
    }

    private static long[] readKeys(ByteBuffer payload, long count, String source, String what)
            throws CorruptIndexException {
        if (count < 0 || count > payload.remaining() / Long.BYTES) {
            throw new CorruptIndexException(source, "the usearch " + what + " key count " + count
                    + " does not fit the payload");
        }
        long[] read = new long[(int) count];
        for (int i = 0; i < read.length; i++) {
            read[i] = payload.getLong();
            if (i > 0 && read[i] <= read[i - 1]) {
                throw new CorruptIndexException(source, "the usearch " + what + " key list is not ascending");
            }
        }
        return read;
    }
}
