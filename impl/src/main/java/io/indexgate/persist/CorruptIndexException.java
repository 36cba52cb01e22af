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
        this(source, "corrupt index file " + source + ": " + reason, null);
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
