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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * USearch (native, through our JNI binding) with f32 storage: connectivity 16, expansion add 128, expansion search
 * 128 unless configured. Same semantics and scores as the other engines.
 *
 * <ul>
 *   <li><b>Keys</b> are the store's row ids as USearch's uint64 keys; the engine also keeps them in a primitive Java
 *       set, so that they can be listed and persisted next to the index.</li>
 *   <li><b>Distances</b> are computed by the JNI glue's own f32 kernels (AVX2+FMA when the CPU has them, chosen at run
 *       time, portable otherwise; {@link #describe} names them), installed into every index under the same USearch
 *       metric kind: files keep USearch's format and metric, and files written before the kernels load unchanged.
 *       USearch 2.26's built-in NumKong kernels widen f32 to f64, which cost a fifth of the search throughput.
 *       Cosine is computed as such (the norms per distance): inner product on vectors normalized at add time was
 *       measured no faster, because a query waits on memory, not on arithmetic, and it would need the original
 *       vectors kept beside the normalized ones.</li>
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
 *   <li><b>Persistence</b> goes through Java: USearch serializes into a direct buffer (its length asked first; native
 *       memory advised for huge pages, freed as soon as the file is written or the write failed, because a Java
 *       direct buffer of the whole file was zeroed page by page and freed only by the collector), the buffer is
 *       framed in the envelope and written by {@link io.indexgate.persist.AtomicIndexWriter}, so every byte crosses
 *       the Java {@code FileChannel} path. Payload, little-endian: the live key count and keys ascending, the
 *       removed (marked) key count and keys ascending, the USearch blob's length, the blob. On load the envelope is
 *       verified first, then the key list is checked in Java, then the blob's metric, dimensions and vector width in
 *       the glue, and only then the blob reaches USearch; afterwards its size and keys are checked against the list.
 *       A loaded index is USearch's <em>view</em> of the verified payload: USearch reads the graph and the vectors in
 *       place, so a load decodes without copying or allocating the index's memory (the copy and its page faults were
 *       most of a load). The engine holds the payload while the view lives. A view refuses additions, so the first
 *       addition after a load copies it into USearch's own memory, once.</li>
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
    private LongHashSet keys = new LongHashSet();
    /** Removed keys still in the native graph, and their sorted copy for searches. */
    private LongHashSet removed = new LongHashSet();
    private long[] removedSorted = new long[0];

    /** Whether the native library is available in this build and platform. */
    public static boolean isAvailable() {
        return USearchNative.isAvailable();
    }

    /** Why it is not, or null. */
    public static String unavailableReason() {
        return USearchNative.unavailableReason();
    }

    /** USearch's version, the distance kernels in use on this machine, and the SIMD targets USearch's own has. */
    public static String describe() {
        ensureAvailable();
        return "USearch " + USearchNative.version() + ", distances: indexgate " + USearchNative.kernel()
                + " (USearch's NumKong: " + USearchNative.hardwareAcceleration() + ")";
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

    /**
     * Owns one native index and, for a view, the verified payload it reads in place, which stays reachable until the
     * index is freed; run by the Cleaner or by close, exactly once.
     */
    private static final class NativeIndex implements Runnable {
        private volatile long handle;
        /** For a view: the payload and where in it the USearch blob lies; null for an index in USearch's memory. */
        private volatile ByteBuffer viewed;
        private final long blobOffset;
        private final long blobLength;

        NativeIndex(long handle) {
            this(handle, null, 0, 0);
        }

        NativeIndex(long handle, ByteBuffer viewed, long blobOffset, long blobLength) {
            this.handle = handle;
            this.viewed = viewed;
            this.blobOffset = blobOffset;
            this.blobLength = blobLength;
        }

        @Override
        public void run() {
            long address = handle;
            handle = 0;
            if (address != 0) {
                USearchNative.free(address);
            }
            viewed = null;
        }
    }

    private NativeIndex newIndex() {
        return new NativeIndex(initNative());
    }

    private long initNative() {
        EngineOptions options = options();
        return USearchNative.init(metricKind, options.dimensions(), options.connectivity(), options.expansionAdd(),
                options.expansionSearch());
    }

    /**
     * Opens the verified USearch blob at {@code blobOffset} in {@code payload} as a new native index: a view of it in
     * place, or a copy in USearch's memory.
     *
     * @throws IllegalStateException if USearch rejects the blob (the new index is freed)
     */
    private NativeIndex open(ByteBuffer payload, long blobOffset, long blobLength, boolean view) {
        long handle = initNative();
        NativeIndex opened = view ? new NativeIndex(handle, payload, blobOffset, blobLength) : new NativeIndex(handle);
        try {
            USearchNative.open(handle, payload, blobOffset, blobLength, metricKind, view);
            USearchNative.changeExpansionSearch(handle, options().expansionSearch());
        } catch (RuntimeException e) {
            opened.run();
            throw e;
        }
        return opened;
    }

    /** A view refuses additions: before the first one, it is replaced by a copy in USearch's own memory. */
    private void ensureWritable() {
        NativeIndex current = index;
        ByteBuffer viewed = current.viewed;
        if (viewed != null) {
            install(open(viewed, current.blobOffset, current.blobLength, false));
        }
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
        ensureWritable();
        reserveFor(added.length);
        try {
            addNative(index, added, vectors);
        } catch (RuntimeException | Error e) {
            tombstoneWhatTheNativeIndexTook(added);
            throw e;
        }
        for (long key : added) {
            keys.add(key);
        }
    }

    /**
     * After a failed native add: the glue stops at its first error, and the vectors inserted before it stay in the
     * native index under keys this engine does not hold. Marked removed, they are never found, and a later add of one
     * of them compacts them away first, so a failed add leaves the engine as it was (before, such a key could never be
     * added again: the native index refused it as a duplicate, and a store replaying its log stayed behind it).
     */
    private void tombstoneWhatTheNativeIndexTook(long[] added) {
        float[] probe = new float[options().dimensions()];
        boolean any = false;
        for (long key : added) {
            if (!keys.contains(key) && USearchNative.get(index.handle, key, probe)) {
                removed.add(key);
                any = true;
            }
        }
        if (any) {
            removedSorted = removed.toSortedArray();
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
        USearchNative.add(target.handle, added, flat);
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
        removed = new LongHashSet();
        removedSorted = new long[0];
    }

    @Override
    protected List<SearchMatch> searchUnlocked(float[] query, int limit, AllowedKeys allowed) {
        if (allowed == null) {
            return keys.isEmpty() ? List.of() : removed.isEmpty()
                    ? nativeSearch(query, Math.min(limit, keys.size()), null, false)
                    : nativeSearch(query, Math.min(limit, keys.size()), removedSorted, true);
        }
        long[] present = Arrays.stream(allowed.toArray()).filter(keys::contains).toArray();
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
                removedSorted = removed.toSortedArray();
            }
        }
    }

    @Override
    protected long[] keysUnlocked() {
        return keys.toSortedArray();
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
        ByteBuffer buffer = USearchNative.allocateSaveBuffer(headerLength + blobLength);
        try {
            ByteBuffer payload = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
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
            return new Payload(payload.position(0).limit((int) (headerLength + blobLength)), sorted.length,
                    () -> USearchNative.freeSaveBuffer(buffer));
        } catch (RuntimeException | Error e) {
            USearchNative.freeSaveBuffer(buffer);
            throw e;
        }
    }

    /** A decoded payload: a native view of verified bytes, not yet owned by any engine, and its keys. */
    record Loaded(NativeIndex index, LongHashSet keys, long[] removedSorted) {
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
        LongHashSet loadedKeys = LongHashSet.of(live);
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
        NativeIndex loaded;
        try {
            loaded = open(verified.payload(), payload.position(), blobLength, true);
        } catch (IllegalStateException e) {
            throw rejected(source, e);
        }
        try {
            long size = USearchNative.size(loaded.handle);
            if (size != live.length + removedKeys.length) {
                throw new CorruptIndexException(source, "the usearch index holds " + size + " vectors, its key "
                        + "lists " + live.length + " live and " + removedKeys.length + " removed");
            }
            for (long[] listed : new long[][] {live, removedKeys}) {
                int missing = USearchNative.firstMissing(loaded.handle, listed);
                if (missing >= 0) {
                    throw new CorruptIndexException(source, "key " + listed[missing] + " is listed but not in the "
                            + "index");
                }
            }
        } catch (CorruptIndexException e) {
            loaded.run();
            throw e;
        } catch (IllegalStateException e) {
            loaded.run();
            throw rejected(source, e);
        }
        return new Loaded(loaded, loadedKeys, removedKeys);
    }

    /** The glue's or USearch's refusal, whose message is the whole cause (CorruptIndexException takes no cause). */
    private static CorruptIndexException rejected(String source, IllegalStateException refusal) {
        return new CorruptIndexException(source, "USearch rejected the index: " + refusal.getMessage());
    }

    @Override
    protected void installUnlocked(Loaded decoded) {
        install(decoded.index());
        keys = decoded.keys();
        removedSorted = decoded.removedSorted();
        removed = LongHashSet.of(removedSorted);
    }

    @Override
    protected void discard(Loaded decoded) {
        decoded.index().run();
    }

    @Override
    protected void closeUnlocked() {
        cleanable.clean();
        keys = new LongHashSet();
        removed = new LongHashSet();
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
