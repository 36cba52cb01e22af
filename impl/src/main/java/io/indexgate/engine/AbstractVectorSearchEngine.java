package io.indexgate.engine;

import io.indexgate.persist.AtomicIndexWriter;
import io.indexgate.persist.CorruptIndexException;
import io.indexgate.persist.EnvelopeHeader;
import io.indexgate.persist.ExpectedIndex;
import io.indexgate.persist.IndexEnvelope;
import io.indexgate.persist.IndexFileReader;
import io.indexgate.persist.VerifiedIndex;
import io.indexgate.persist.VerifiedStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The part every engine shares: argument validation, the read/write lock, and persistence through the envelope and
 * the atomic writer. Subclasses implement the "unlocked" operations, which are called with the appropriate lock held,
 * and the encoding of their state as a payload.
 *
 * @param <S> the decoded form of a payload, built outside the lock and installed under the write lock
 */
public abstract class AbstractVectorSearchEngine<S> implements VectorSearchEngine {

    private final EngineOptions options;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final ReentrantLock saveLock = new ReentrantLock();
    private volatile boolean closed;

    protected AbstractVectorSearchEngine(EngineOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public final EngineOptions options() {
        return options;
    }

    /**
     * A payload, the number of live entries it holds, and what frees its bytes once the file is written (or the
     * write failed); nothing uses the bytes after that.
     */
    public record Payload(ByteBuffer bytes, long entryCount, Runnable release) {

        /** A payload whose bytes the collector frees. */
        public Payload(ByteBuffer bytes, long entryCount) {
            this(bytes, entryCount, () -> { });
        }
    }

    /** Adds the entries; called under the write lock with validated, absent, distinct keys. */
    protected abstract void addUnlocked(long[] keys, float[][] vectors);

    /** Searches one validated query; called under the read lock. */
    protected abstract List<SearchMatch> searchUnlocked(float[] query, int limit, AllowedKeys allowed);

    /** The stored vector of {@code key} as added, or null; called under the read lock. */
    protected abstract float[] vectorUnlocked(long key);

    /** Removes {@code key} if present; called under the write lock. */
    protected abstract void removeUnlocked(long key);

    /** Every present key in ascending order; called under the read lock. */
    protected abstract long[] keysUnlocked();

    /** The number of present keys; called under the read lock. */
    protected abstract long sizeUnlocked();

    /** Encodes the whole state; called under the read lock. */
    protected abstract Payload encodeUnlocked() throws IOException;

    /**
     * Decodes a verified payload, without touching the current state; every engine implements this or, if it
     * {@link #decodesStreams}, {@link #decode(VerifiedStream, String)}.
     *
     * @throws CorruptIndexException if the payload is not a valid encoding for this engine and its options
     */
    protected S decode(VerifiedIndex index, String source) throws CorruptIndexException {
        throw new UnsupportedOperationException(engineId() + " decodes streams, not buffers");
    }

    /**
     * Whether loads stream the verified payload to {@link #decode(VerifiedStream, String)} instead of handing
     * {@link #decode(VerifiedIndex, String)} a buffer of the whole file. For engines that decode in Java and keep
     * none of the file's bytes; native engines must not (their decoder sees bytes the second pass has not yet
     * re-verified).
     */
    protected boolean decodesStreams() {
        return false;
    }

    /**
     * Decodes a verified file read as a stream, without touching the current state; {@link #load} then checks that
     * the stream's second pass read the verified bytes ({@link VerifiedStream#finish}) before installing anything.
     *
     * @throws CorruptIndexException if the payload is not a valid encoding for this engine and its options
     */
    protected S decode(VerifiedStream stream, String source) throws IOException {
        throw new UnsupportedOperationException(engineId() + " decodes buffers, not streams");
    }

    /** Replaces the state with a decoded one; called under the write lock. */
    protected abstract void installUnlocked(S decoded);

    /** Releases a decoded payload that will not be installed (the engine was closed meanwhile). */
    protected void discard(S decoded) {
    }

    /** Releases resources; called once, under the write lock. */
    protected void closeUnlocked() {
    }

    @Override
    public final void add(long[] keys, float[][] vectors) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(vectors, "vectors");
        if (keys.length != vectors.length) {
            throw new IllegalArgumentException(keys.length + " keys but " + vectors.length + " vectors");
        }
        Set<Long> batch = new HashSet<>();
        for (int i = 0; i < keys.length; i++) {
            VectorMath.validate(vectors[i], options.dimensions(), options.metric(), "vector for key " + keys[i]);
            if (!batch.add(keys[i])) {
                throw new IllegalArgumentException("key " + keys[i] + " appears twice in one add");
            }
        }
        lock.writeLock().lock();
        try {
            ensureOpen();
            for (long key : keys) {
                if (vectorUnlocked(key) != null) {
                    throw new IllegalArgumentException("key " + key + " is already present; remove it first");
                }
            }
            if (keys.length > 0) {
                addUnlocked(keys, vectors);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public final List<List<SearchMatch>> search(float[][] queries, int limit, AllowedKeys allowed) {
        Objects.requireNonNull(queries, "queries");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        for (int i = 0; i < queries.length; i++) {
            VectorMath.validate(queries[i], options.dimensions(), options.metric(), "query vector " + i);
        }
        lock.readLock().lock();
        try {
            ensureOpen();
            List<List<SearchMatch>> results = new ArrayList<>(queries.length);
            for (float[] query : queries) {
                results.add(allowed != null && allowed.isEmpty() ? List.of()
                        : searchUnlocked(query, limit, allowed));
            }
            return results;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final Map<Long, float[]> getVectors(long[] keys) {
        lock.readLock().lock();
        try {
            ensureOpen();
            Map<Long, float[]> found = new java.util.LinkedHashMap<>();
            for (long key : keys) {
                float[] vector = vectorUnlocked(key);
                if (vector != null) {
                    found.put(key, vector.clone());
                }
            }
            return found;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final void remove(long[] keys) {
        lock.writeLock().lock();
        try {
            ensureOpen();
            for (long key : keys) {
                removeUnlocked(key);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public final boolean contains(long key) {
        lock.readLock().lock();
        try {
            ensureOpen();
            return vectorUnlocked(key) != null;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final long[] keys() {
        lock.readLock().lock();
        try {
            ensureOpen();
            return keysUnlocked();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final long size() {
        lock.readLock().lock();
        try {
            ensureOpen();
            return sizeUnlocked();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final void save(Path target) throws IOException {
        saveLock.lock();
        try {
            Payload payload;
            lock.readLock().lock();
            try {
                ensureOpen();
                payload = encodeUnlocked();
            } finally {
                lock.readLock().unlock();
            }
            try {
                EnvelopeHeader header = new EnvelopeHeader(engineId(), options.metric().id(), options.dimensions(),
                        payload.entryCount(), payload.bytes().remaining());
                AtomicIndexWriter.write(target, IndexEnvelope.frame(header, payload.bytes()));
            } finally {
                payload.release().run();
            }
        } finally {
            saveLock.unlock();
        }
    }

    @Override
    public final void load(Path source) throws IOException {
        ExpectedIndex expected = new ExpectedIndex(engineId(), options.metric().id(), options.dimensions());
        S decoded;
        if (decodesStreams()) {
            try (VerifiedStream stream = IndexFileReader.openVerified(source, expected)) {
                decoded = decode(stream, source.toString());
                try {
                    stream.finish();
                } catch (IOException | RuntimeException e) {
                    discard(decoded);
                    throw e;
                }
            }
        } else {
            decoded = decode(IndexFileReader.read(source, expected), source.toString());
        }
        lock.writeLock().lock();
        try {
            if (closed) {
                discard(decoded);
                ensureOpen();
            }
            installUnlocked(decoded);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public final void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                closeUnlocked();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(engineId() + " engine is closed");
        }
    }
}
