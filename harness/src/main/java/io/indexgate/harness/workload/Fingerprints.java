package io.indexgate.harness.workload;

import io.indexgate.engine.VectorSearchEngine;
import io.indexgate.store.CollectionInspection;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Digests that let the parent compare states without seeing them: of one vector, and of an engine's whole contents
 * (every key and vector, in key order), so that an index file can be matched to the save that wrote it whatever its
 * byte layout.
 */
public final class Fingerprints {

    private Fingerprints() {
    }

    /** The digest of one vector: 16 hex digits of SHA-256 over its float bits. */
    public static String vector(float[] vector) {
        MessageDigest digest = sha256();
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES);
        for (float component : vector) {
            bytes.putInt(Float.floatToIntBits(component));
        }
        digest.update(bytes.array());
        return HexFormat.of().formatHex(digest.digest(), 0, 8);
    }

    /** The fingerprint of an engine's contents: 32 hex digits of SHA-256 over its keys and vectors in key order. */
    public static String contents(VectorSearchEngine engine) {
        long[] keys = engine.keys();
        return contents(keys, engine.getVectors(keys));
    }

    /** The fingerprint of a live collection's engine, as {@link #contents(VectorSearchEngine)}. */
    public static String contents(CollectionInspection collection) {
        long[] keys = collection.engineKeys();
        return contents(keys, collection.engineVectors(keys));
    }

    private static String contents(long[] keys, Map<Long, float[]> vectors) {
        MessageDigest digest = sha256();
        ByteBuffer key = ByteBuffer.allocate(Long.BYTES);
        for (long k : keys) {
            digest.update(key.clear().putLong(k).array());
            float[] vector = vectors.get(k);
            ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES);
            for (float component : vector) {
                bytes.putInt(Float.floatToIntBits(component));
            }
            digest.update(bytes.array());
        }
        return keys.length + ":" + HexFormat.of().formatHex(digest.digest(), 0, 16);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
