package io.indexgate.store;

/**
 * The named collection does not exist (or was deleted). {@link SQLiteVectorStore#findCollection} answers the same
 * question without an exception.
 */
public class CollectionNotFoundException extends CollectionException {

    public CollectionNotFoundException(String namespace, String name) {
        super(namespace, name, "collection " + namespace + "/" + name + " does not exist", null);
    }
}
