package io.indexgate.persist;

/**
 * What a reader expects an index file to hold; a file whose header says otherwise is rejected before its payload is
 * read by anyone.
 *
 * @param engineId   the engine id the file must carry
 * @param metric     the metric the file must carry
 * @param dimensions the dimensions the file must carry
 */
public record ExpectedIndex(String engineId, String metric, int dimensions) {
}
