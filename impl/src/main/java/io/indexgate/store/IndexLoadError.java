package io.indexgate.store;

import java.nio.file.Path;

/**
 * A collection whose index has been saved ({@code index_saved = true}) could not load its index file: the file is
 * missing, unreadable, or failed verification (a format version this build does not read included). Never answered
 * by silently starting empty, since the pending-operation log no longer holds what the file held. (The name is the
 * one MemMachine uses; it is an exception, not a {@link Error}.)
 */
public class IndexLoadError extends CollectionException {

    private final transient Path path;

    public IndexLoadError(String namespace, String name, Path path, Throwable cause) {
        super(namespace, name, "cannot load the index of collection " + namespace + "/" + name + " from " + path
                + ": " + cause, cause);
        this.path = path;
    }

    public Path path() {
        return path;
    }
}
