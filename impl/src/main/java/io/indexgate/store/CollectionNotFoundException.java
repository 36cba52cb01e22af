package io.indexgate.store;

/** The named collection does not exist (or was deleted). */
public class CollectionNotFoundException extends VectorStoreException {

    public CollectionNotFoundException(String namespace, String name) {
        super("collection " + namespace + "/" + name + " does not exist");
    }
}
