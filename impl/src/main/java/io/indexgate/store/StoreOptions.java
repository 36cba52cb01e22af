package io.indexgate.store;

import io.indexgate.persist.PersistenceMode;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How a store runs.
 *
 * @param saveThreshold   an index is saved when this many applied operations are pending (and at clean shutdown);
 *                        default {@value #DEFAULT_SAVE_THRESHOLD}
 * @param persistenceMode how index files are written; {@link PersistenceMode#ATOMIC} unless testing the gate. The
 *                        system property {@value PersistenceMode#SYSTEM_PROPERTY} overrides it
 * @param indexDirectory  where index files live; null for {@code <data dir>/indexes}. May be on any
 *                        {@link java.nio.file.FileSystem} (the power-loss simulation uses this)
 */
public record StoreOptions(int saveThreshold, PersistenceMode persistenceMode, Path indexDirectory) {

    public static final int DEFAULT_SAVE_THRESHOLD = 1000;

    public StoreOptions {
        if (saveThreshold < 1) {
            throw new IllegalArgumentException("save threshold must be at least 1, got " + saveThreshold);
        }
        Objects.requireNonNull(persistenceMode, "persistenceMode");
    }

    /** The defaults: threshold {@value #DEFAULT_SAVE_THRESHOLD}, {@link PersistenceMode#ATOMIC}, default directory. */
    public static StoreOptions defaults() {
        return new StoreOptions(DEFAULT_SAVE_THRESHOLD, PersistenceMode.ATOMIC, null);
    }

    public StoreOptions withSaveThreshold(int threshold) {
        return new StoreOptions(threshold, persistenceMode, indexDirectory);
    }

    public StoreOptions withPersistenceMode(PersistenceMode mode) {
        return new StoreOptions(saveThreshold, mode, indexDirectory);
    }

    public StoreOptions withIndexDirectory(Path directory) {
        return new StoreOptions(saveThreshold, persistenceMode, directory);
    }
}
