package io.indexgate.persist;

/**
 * An index file carries a format version older than the oldest this build reads (or a version field that was never a
 * valid version, such as 0). Reading it needs a build whose supported range includes its version.
 */
public final class IndexFormatTooOldException extends IndexFormatVersionException {

    public IndexFormatTooOldException(String source, int version, int minSupported, int maxSupported) {
        super(source, "older than this build reads", version, minSupported, maxSupported);
    }
}
