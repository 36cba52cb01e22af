package io.indexgate.store;

import java.nio.file.Path;

/**
 * How a store runs. Index files are always written with the atomic protocol
 * ({@link io.indexgate.persist.AtomicIndexWriter}); there is no option for anything weaker.
 *
 * @param saveThreshold  an index is saved when this many applied operations are pending (and at clean shutdown);
 *                       default {@value #DEFAULT_SAVE_THRESHOLD}
 * @param indexDirectory where index files live; null for {@code <data dir>/indexes}. May be on any
 *                       {@link java.nio.file.FileSystem} (the power-loss simulation uses this)
 */
public record StoreOptions(int saveThreshold, Path indexDirectory) {

    public static final int DEFAULT_SAVE_THRESHOLD = 1000;

    public StoreOptions {
        if (saveThreshold < 1) {
            throw new IllegalArgumentException("save threshold must be at least 1, got " + saveThreshold);
        }
    }

    /** The defaults: threshold {@value #DEFAULT_SAVE_THRESHOLD}, default directory. */
    public static StoreOptions defaults() {
        return new StoreOptions(DEFAULT_SAVE_THRESHOLD, null);
    }

    public StoreOptions withSaveThreshold(int threshold) {
        return new StoreOptions(threshold, indexDirectory);
    }

    public StoreOptions withIndexDirectory(Path directory) {
        return new StoreOptions(saveThreshold, directory);
    }
}
