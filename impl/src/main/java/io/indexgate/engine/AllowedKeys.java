package io.indexgate.engine;

import java.util.Arrays;

/**
 * An immutable set of keys that a filtered search may return. Backed by a sorted array, so membership is a binary
 * search and iteration is in key order. Thread-safe.
 */
public final class AllowedKeys {

    private final long[] sorted;

    private AllowedKeys(long[] sorted) {
        this.sorted = sorted;
    }

    /** The set of the given keys (copied; duplicates are ignored). */
    public static AllowedKeys of(long... keys) {
        long[] copy = keys.clone();
        Arrays.sort(copy);
        int distinct = 0;
        for (int i = 0; i < copy.length; i++) {
            if (i == 0 || copy[i] != copy[i - 1]) {
                copy[distinct++] = copy[i];
            }
        }
        return new AllowedKeys(Arrays.copyOf(copy, distinct));
    }

    /** Whether {@code key} is allowed. */
    public boolean contains(long key) {
        return Arrays.binarySearch(sorted, key) >= 0;
    }

    /** How many keys are allowed. */
    public int size() {
        return sorted.length;
    }

    /** Whether no key is allowed. */
    public boolean isEmpty() {
        return sorted.length == 0;
    }

    /** The allowed keys in ascending order (a copy). */
    public long[] toArray() {
        return sorted.clone();
    }
}
