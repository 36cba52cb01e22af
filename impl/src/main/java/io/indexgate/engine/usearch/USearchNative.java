package io.indexgate.engine.usearch;

import io.indexgate.engine.NativeLibraryCache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Our JNI binding over USearch's C API. The shared library ({@value #RESOURCE}, built by the impl module's Maven
 * build from USearch's official npm release) is extracted from the jar once per content into the shared
 * {@link NativeLibraryCache} (nothing per process), verified by its SHA-256, and loaded once per JVM. If it is missing (a
 * build with {@code -Dusearch.skip=true}, another platform) the binding is unavailable and says why.
 *
 * <p>Every method takes a handle from {@link #init}; the glue checks handles and bounds (every vector and query
 * against the index's own dimensions) and turns USearch errors into {@link IllegalStateException}. Callers serialize
 * mutations, never use a freed handle, and keep the buffer of a viewed index alive until they free it
 * ({@link USearchVectorSearchEngine} does all three). Distances are the glue's own f32 kernels (see {@link #kernel}),
 * installed into every index it creates or opens.
 */
final class USearchNative {

    static final String RESOURCE = "/native/linux-x86_64/libindexgate_usearch.so";

    /** USearch's metric kinds (usearch_metric_kind_t). */
    static final int METRIC_COSINE = 1;
    static final int METRIC_INNER_PRODUCT = 2;
    static final int METRIC_SQUARED_EUCLIDEAN = 3;

    private static final String UNAVAILABLE;

    static {
        String reason = null;
        try {
            load();
        } catch (IOException | LinkageError | RuntimeException e) {
            reason = e.getMessage();
        }
        UNAVAILABLE = reason;
    }

    private USearchNative() {
    }

    private static void load() throws IOException {
        String platform = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        if (!platform.toLowerCase(java.util.Locale.ROOT).matches("linux/(amd64|x86_64)")) {
            throw new IOException("the USearch engine is built for linux-x86_64 only, not " + platform);
        }
        Path library;
        try {
            library = NativeLibraryCache.extract(USearchNative.class, RESOURCE, "libindexgate_usearch.so");
        } catch (NoSuchFileException e) {
            throw new IOException("the USearch engine is not in this build (" + RESOURCE + " is missing from "
                    + "the class path; was it built with -Dusearch.skip=true, or without npm and g++?)", e);
        }
        System.load(library.toAbsolutePath().toString());
    }

    /** Whether the native library is loaded. */
    static boolean isAvailable() {
        return UNAVAILABLE == null;
    }

    /** Why the native library is not loaded, or null. */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    static native String version();

    /** The SIMD targets USearch's NumKong kernels could use on this CPU (ours replace them, see {@link #kernel}). */
    static native String hardwareAcceleration();

    /** The distance kernels the glue chose for this CPU, for example {@code "f32 avx2+fma"}. */
    static native String kernel();

    static native long init(int metric, long dimensions, long connectivity, long expansionAdd, long expansionSearch);

    static native void free(long handle);

    static native long size(long handle);

    static native long capacity(long handle);

    static native void reserve(long handle, long capacity);

    static native void changeExpansionSearch(long handle, long expansion);

    /** {@code vectors}: row-major, {@code keys.length} times the index's dimensions. */
    static native void add(long handle, long[] keys, float[] vectors);

    /** The position in {@code keys} of the first key the index does not hold, or -1 if it holds them all. */
    static native int firstMissing(long handle, long[] keys);

    static native boolean get(long handle, long key, float[] out);

    /** {@code keysSorted}: null for no filter; the allowed keys; or, with {@code exclude}, the excluded keys. */
    static native int search(long handle, float[] query, int count, long[] keysSorted, boolean exclude,
                             long[] keysOut, float[] distancesOut);

    static native long serializedLength(long handle);

    static native void saveBuffer(long handle, ByteBuffer direct, long offset, long length);

    /**
     * A direct buffer of {@code length} bytes in native memory, for one save; never garbage collected: the caller
     * frees it with {@link #freeSaveBuffer} exactly once, and uses neither it nor a view of it afterwards.
     */
    static native ByteBuffer allocateSaveBuffer(long length);

    /** Frees a buffer of {@link #allocateSaveBuffer}. */
    static native void freeSaveBuffer(ByteBuffer buffer);

    /**
     * Opens the serialized index in {@code direct} (verified bytes only) into the new index {@code handle}: copied into
     * USearch's memory, or with {@code view} read in place, which refuses additions and needs {@code direct} alive and
     * unchanged until the handle is freed. Its metric kind, dimensions and vector width are checked against the
     * handle's first.
     */
    static native void open(long handle, ByteBuffer direct, long offset, long length, int metric, boolean view);
}
