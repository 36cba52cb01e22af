package io.indexgate.store;

/**
 * One row of the pending-operation log: a change of the records table that the saved index file may not hold yet.
 *
 * @param id     the log position; operations are applied in this order
 * @param upsert true for an upsert (the row's vector is added), false for a delete
 * @param rowId  the engine key
 * @param vector the vector of an upsert, null for a delete
 */
record PendingOperation(long id, boolean upsert, long rowId, float[] vector) {

    static final String UPSERT = "upsert";
    static final String DELETE = "delete";
}
