package io.indexgate.store;

/**
 * A record with the row id that is its key in the engine.
 *
 * @param rowId  the engine key
 * @param record the record
 */
public record StoredRecord(long rowId, VectorRecord record) {
}
