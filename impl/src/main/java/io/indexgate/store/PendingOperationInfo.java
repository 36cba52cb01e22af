package io.indexgate.store;

/**
 * A read-only view of one row of the store's pending-operation log: a change that is durable in SQLite and that the
 * collection's saved index file may not hold yet. Rows appear with every upsert and delete and disappear when an
 * index save commits, or with their collection ({@link SQLiteVectorStore#deleteCollection}). See
 * {@link SQLiteVectorStore#pendingOperations()}. Immutable: a snapshot of the row when it was read.
 *
 * @param namespace  the collection's namespace
 * @param collection the collection's name
 * @param position   the row's position in the store-wide log; replay follows this order
 * @param kind       whether the row's vector was added or removed
 * @param rowId      the record's row id, which is its key in the engine
 * @param applied    whether the operation has been applied to the collection's engine in memory (it is still
 *                   pending until a save commits)
 */
public record PendingOperationInfo(String namespace, String collection, long position, Kind kind, long rowId,
                                   boolean applied) {

    /** What a logged operation did to its row. */
    public enum Kind {
        /** The row was inserted (an upsert of a record; replacing a record logs a delete of its old row first). */
        UPSERT,
        /** The row was deleted. */
        DELETE
    }
}
