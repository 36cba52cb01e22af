package io.indexgate.persist;

import java.io.IOException;

/**
 * An index file failed verification: wrong magic, engine, metric or dimensions, wrong length (truncated or extended),
 * a checksum mismatch, or a format version outside the supported range ({@link IndexFormatVersionException}). Nothing
 * of its payload was handed to an engine.
 */
public class CorruptIndexException extends IOException {

    private final String source;

    public CorruptIndexException(String source, String reason) {
        // No cause argument: the cause stays unset, so a caller may still initCause it.
        super("corrupt index file " + source + ": " + reason);
        this.source = source;
    }

    /** A verification or decoding failure that {@code cause} (the decoder's own exception) explains. */
    public static CorruptIndexException because(String source, String reason, Throwable cause) {
        CorruptIndexException corrupt = new CorruptIndexException(source, reason);
        corrupt.initCause(cause);
        return corrupt;
    }

    /**
     * For subclasses whose failure is not damage (a version this build does not read): {@code message} is used as
     * is and must name {@code source}.
     */
    protected CorruptIndexException(String source, String message, Throwable cause) {
        super(message, cause);
        this.source = source;
    }

    /** The file (or other source) that failed verification. */
    public String source() {
        return source;
    }
}
