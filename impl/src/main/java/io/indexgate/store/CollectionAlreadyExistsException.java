package io.indexgate.store;

/**
 * {@link SQLiteVectorStore#createCollection} was asked for a collection that exists. Names the collection and the
 * config it was created with; catch this type rather than matching the message. A {@link VectorStoreException}, as
 * this failure was before it had a type of its own.
 */
public class CollectionAlreadyExistsException extends CollectionException {

    private final CollectionConfig existingConfig;

    public CollectionAlreadyExistsException(String namespace, String name, CollectionConfig existingConfig) {
        super(namespace, name, "collection " + namespace + "/" + name + " already exists (config " + existingConfig
                + ")", null);
        this.existingConfig = existingConfig;
    }

    /** The config the existing collection was created with. */
    public CollectionConfig existingConfig() {
        return existingConfig;
    }
}
