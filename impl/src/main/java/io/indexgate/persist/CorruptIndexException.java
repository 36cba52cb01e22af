package io.indexgate.persist;

import java.io.IOException;

/**
 * An index file failed verification: wrong magic, version, engine, metric or dimensions, wrong length (truncated or
 * extended), or a checksum mismatch. Nothing of its payload was handed to an engine.
 */
public class CorruptIndexException extends IOException {

    private final String source;

    public CorruptIndexException(String source, String reason) {
        super("corrupt index file " + source + ": " + reason);
        this.source = source;
    }

    /** The file (or other source) that failed verification. */
    public String source() {
        return source;
    }
}
