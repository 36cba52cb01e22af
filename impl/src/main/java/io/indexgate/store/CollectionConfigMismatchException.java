package io.indexgate.store;

/**
 * {@link SQLiteVectorStore#openOrCreateCollection} found the collection with another config than the one requested
 * (dimensions, metric, engine or indexed properties). Nothing was changed. Names the collection and both configs;
 * catch this type rather than matching the message. A {@link VectorStoreException}, as this failure was before it
 * had a type of its own.
 */
public class CollectionConfigMismatchException extends CollectionException {

    private final CollectionConfig storedConfig;
    private final CollectionConfig requestedConfig;

    public CollectionConfigMismatchException(String namespace, String name, CollectionConfig storedConfig,
                                             CollectionConfig requestedConfig) {
        super(namespace, name, "collection " + namespace + "/" + name + " exists with config " + storedConfig
                + ", which differs from the requested " + requestedConfig, null);
        this.storedConfig = storedConfig;
        this.requestedConfig = requestedConfig;
    }

    /** The config the collection has in the store. */
    public CollectionConfig storedConfig() {
        return storedConfig;
    }

    /** The config the caller asked for. */
    public CollectionConfig requestedConfig() {
        return requestedConfig;
    }
}
