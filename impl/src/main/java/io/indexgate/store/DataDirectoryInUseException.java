package io.indexgate.store;

import java.nio.file.Path;

/**
 * A data directory is owned by another store (in this JVM or another process), and one data directory has one owner
 * at a time: two stores on one directory would each commit saves that forget the other's pending operations.
 */
public class DataDirectoryInUseException extends VectorStoreException {

    private final Path directory;
    private final String holder;

    public DataDirectoryInUseException(Path directory, String holder) {
        super("the data directory " + directory + " is in use by " + holder
                + "; one store at a time may open it (inspect it read-only instead)");
        this.directory = directory;
        this.holder = holder;
    }

    /** The data directory. */
    public Path directory() {
        return directory;
    }

    /** Who holds it, as its lock file says: PID, host and since when. */
    public String holder() {
        return holder;
    }
}
