package io.indexgate.harness.workload;

import java.util.List;
import java.util.UUID;

/**
 * One generated operation of the workload.
 *
 * @param function upsert, delete, query or save
 * @param uuids    the records an upsert or delete touches
 * @param vectors  the vectors of an upsert (parallel to {@code uuids}), or the query vector
 */
public record Operation(io.indexgate.harness.history.Event.Function function, List<UUID> uuids, List<float[]> vectors) {
}
