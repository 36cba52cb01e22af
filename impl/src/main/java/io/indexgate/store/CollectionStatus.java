package io.indexgate.store;

import java.nio.file.Path;

/**
 * A snapshot of a collection's state, for monitoring and for the harness's checks.
 *
 * @param namespace         the namespace
 * @param name              the collection name
 * @param config            its config
 * @param records           rows in its records table
 * @param pendingOperations rows in the pending-operation log
 * @param indexSaved        whether an index file has been committed ({@code index_saved})
 * @param engineSize        vectors in the engine
 * @param indexPath         the index file
 * @param lastSaveFailure   the failure of the last automatic save, if it failed (the next save retries), else null
 */
public record CollectionStatus(String namespace, String name, CollectionConfig config, long records,
                               long pendingOperations, boolean indexSaved, long engineSize, Path indexPath,
                               String lastSaveFailure) {
}
