package io.indexgate.store;

/** A store operation failed; the message names the collection and the operation, the cause says why. */
public class VectorStoreException extends RuntimeException {

    public VectorStoreException(String message) {
        super(message);
    }

    public VectorStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
