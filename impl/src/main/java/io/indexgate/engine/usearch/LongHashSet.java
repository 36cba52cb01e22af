package io.indexgate.engine.usearch;

import java.util.Arrays;

/**
 * A set of {@code long} keys without boxing: open addressing with linear probing and backward-shift deletion, at
 * most half full. The engine keeps its live and removed keys here; a {@code HashSet<Long>} of 100,000 keys costs
 * about 5 MB and its sorted export a boxed sort, both measured on every load and save. Not thread-safe: the engine
 * reads it under its read lock and changes it under its write lock.
 */
final class LongHashSet {

    private static final int MIN_CAPACITY = 16;

    private long[] slots;
    private boolean[] used;
    private int size;

    LongHashSet() {
        this(0);
    }

    /** An empty set that holds {@code expected} keys without growing. */
    LongHashSet(int expected) {
        int capacity = MIN_CAPACITY;
        while (capacity < 2L * expected) {
            capacity <<= 1;
        }
        slots = new long[capacity];
        used = new boolean[capacity];
    }

    /** The set of {@code keys}. */
    static LongHashSet of(long[] keys) {
        LongHashSet set = new LongHashSet(keys.length);
        for (long key : keys) {
            set.add(key);
        }
        return set;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    boolean contains(long key) {
        int mask = slots.length - 1;
        for (int i = home(key, mask); used[i]; i = (i + 1) & mask) {
            if (slots[i] == key) {
                return true;
            }
        }
        return false;
    }

    /** Adds {@code key}; returns whether it was absent. */
    boolean add(long key) {
        int mask = slots.length - 1;
        int i = home(key, mask);
        for (; used[i]; i = (i + 1) & mask) {
            if (slots[i] == key) {
                return false;
            }
        }
        slots[i] = key;
        used[i] = true;
        if (++size * 2 > slots.length) {
            grow();
        }
        return true;
    }

    /** Removes {@code key}; returns whether it was present. */
    boolean remove(long key) {
        int mask = slots.length - 1;
        int i = home(key, mask);
        while (used[i] && slots[i] != key) {
            i = (i + 1) & mask;
        }
        if (!used[i]) {
            return false;
        }
        // Backward shift: move later members of the probe run into the gap when their home allows it.
        int gap = i;
        for (int j = (gap + 1) & mask; used[j]; j = (j + 1) & mask) {
            int wanted = home(slots[j], mask);
            if (((j - wanted) & mask) >= ((j - gap) & mask)) {
                slots[gap] = slots[j];
                gap = j;
            }
        }
        used[gap] = false;
        size--;
        return true;
    }

    /** The keys in ascending order, a new array. */
    long[] toSortedArray() {
        long[] keys = new long[size];
        int at = 0;
        for (int i = 0; i < slots.length; i++) {
            if (used[i]) {
                keys[at++] = slots[i];
            }
        }
        Arrays.sort(keys);
        return keys;
    }

    private void grow() {
        long[] oldSlots = slots;
        boolean[] oldUsed = used;
        slots = new long[oldSlots.length * 2];
        used = new boolean[oldSlots.length * 2];
        int mask = slots.length - 1;
        for (int i = 0; i < oldSlots.length; i++) {
            if (oldUsed[i]) {
                int j = home(oldSlots[i], mask);
                while (used[j]) {
                    j = (j + 1) & mask;
                }
                slots[j] = oldSlots[i];
                used[j] = true;
            }
        }
    }

    /** Row ids are mostly consecutive: a multiplicative mix (the 64-bit golden ratio) spreads them over the table. */
    private static int home(long key, int mask) {
        long mixed = key * 0x9E3779B97F4A7C15L;
        return (int) (mixed ^ (mixed >>> 32)) & mask;
    }
}
