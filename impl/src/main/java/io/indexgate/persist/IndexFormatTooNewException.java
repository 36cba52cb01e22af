package io.indexgate.persist;

/**
 * An index file was written in a format version newer than this build reads: typically by a newer indexgate. The
 * file is probably intact; upgrade the reader (or restore a file of a supported version) rather than delete it.
 */
public final class IndexFormatTooNewException extends IndexFormatVersionException {

    public IndexFormatTooNewException(String source, int version, int minSupported, int maxSupported) {
        super(source, "newer than this build reads (written by a newer indexgate?)", version, minSupported,
                maxSupported);
    }
}
