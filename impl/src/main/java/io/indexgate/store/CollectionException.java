package io.indexgate.store;

/**
 * A store operation failed because of the state of one collection, which it names: it does not exist, it exists
 * already or with another config, or its saved index cannot be loaded. Catch a subclass to act on one case without
 * matching message text.
 */
public abstract class CollectionException extends VectorStoreException {

    private final String namespace;
    private final String name;

    protected CollectionException(String namespace, String name, String message, Throwable cause) {
        super(message, cause);
        this.namespace = namespace;
        this.name = name;
    }

    /** The collection's namespace. */
    public String namespace() {
        return namespace;
    }

    /** The collection's name. */
    public String name() {
        return name;
    }
}
