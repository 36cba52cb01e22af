package io.indexgate.persist;

/**
 * An index file carries a format version outside the range this build reads
 * ({@link EnvelopeHeader#MIN_SUPPORTED_VERSION} to {@link EnvelopeHeader#FORMAT_VERSION}). Its magic was right, so it
 * is an indexgate index file, but nothing after the version field was interpreted (a version may change the layout)
 * and nothing of it reached an engine. A subclass of {@link CorruptIndexException}, so that every handler of
 * unreadable files keeps handling it; the store reports it as an {@code IndexLoadError}, never as a reason to start
 * empty. See the "Envelope format" section of the {@code io.indexgate.persist} package documentation for the version
 * rules.
 */
public abstract sealed class IndexFormatVersionException extends CorruptIndexException
        permits IndexFormatTooNewException, IndexFormatTooOldException {

    private final int version;
    private final int minSupported;
    private final int maxSupported;

    IndexFormatVersionException(String source, String problem, int version, int minSupported, int maxSupported) {
        super(source, "index file " + source + " has format version " + version + ", " + problem
                + "; this build reads versions " + minSupported + " to " + maxSupported, null);
        this.version = version;
        this.minSupported = minSupported;
        this.maxSupported = maxSupported;
    }

    /** The format version found in the file. */
    public int version() {
        return version;
    }

    /** The oldest format version this build reads. */
    public int minSupported() {
        return minSupported;
    }

    /** The newest format version this build reads (the one it writes). */
    public int maxSupported() {
        return maxSupported;
    }
}
