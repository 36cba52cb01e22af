package io.indexgate.persist;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The fixed header of an index envelope: what the payload is, so that a file can be checked against what the reader
 * expects before any engine (or native code) sees its payload. Its layout, field by field, and the version rules are
 * in the "Envelope format" section of the {@code io.indexgate.persist} package documentation, the one place the format
 * is written down.
 *
 * @param engineId      the engine that wrote the payload, at most 16 ASCII characters
 * @param metric        the similarity metric, at most 16 ASCII characters
 * @param dimensions    vector dimensions, positive
 * @param entryCount    number of live vectors in the payload
 * @param payloadLength payload length in bytes
 */
public record EnvelopeHeader(String engineId, String metric, int dimensions, long entryCount, long payloadLength) {

    /** Header length in bytes. */
    public static final int LENGTH = 64;
    /** First four bytes of every index file. */
    public static final int MAGIC = 0x49474958;
    /** The format version this code writes: the newest it reads. */
    public static final int FORMAT_VERSION = 1;
    /** The oldest format version this code reads. */
    public static final int MIN_SUPPORTED_VERSION = 1;

    private static final int NAME_FIELD_LENGTH = 16;

    public EnvelopeHeader {
        requireName(engineId, "engine id");
        requireName(metric, "metric");
        if (dimensions <= 0) {
            throw new IllegalArgumentException("dimensions must be positive, got " + dimensions);
        }
        if (entryCount < 0 || payloadLength < 0) {
            throw new IllegalArgumentException("entry count and payload length must not be negative");
        }
    }

    private static void requireName(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() || value.length() > NAME_FIELD_LENGTH
                || !StandardCharsets.US_ASCII.newEncoder().canEncode(value) || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " must be 1 to 16 ASCII characters, got '" + value + "'");
        }
    }

    /** The header's bytes, positioned at 0 with the limit at {@value #LENGTH}. */
    public ByteBuffer encode() {
        ByteBuffer buffer = ByteBuffer.allocate(LENGTH).order(ByteOrder.BIG_ENDIAN);
        buffer.putInt(MAGIC).putInt(FORMAT_VERSION);
        putName(buffer, engineId);
        putName(buffer, metric);
        buffer.putInt(dimensions).putInt(0).putLong(entryCount).putLong(payloadLength);
        return buffer.flip();
    }

    private static void putName(ByteBuffer buffer, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        buffer.put(bytes).put(new byte[NAME_FIELD_LENGTH - bytes.length]);
    }

    /**
     * Decodes and checks a header: magic, version, reserved field and field syntax. Whether it matches what a reader
     * expects is checked by {@link IndexEnvelope}. The version is checked right after the magic, before any field
     * whose layout a version could change.
     *
     * @param bytes exactly {@value #LENGTH} bytes, from position 0
     * @throws IndexFormatTooOldException if the version is below {@value #MIN_SUPPORTED_VERSION}
     * @throws IndexFormatTooNewException if the version is above {@value #FORMAT_VERSION}
     * @throws CorruptIndexException      naming {@code source} and the field that is wrong
     */
    static EnvelopeHeader decode(ByteBuffer bytes, String source) throws CorruptIndexException {
        ByteBuffer buffer = bytes.duplicate().order(ByteOrder.BIG_ENDIAN);
        int magic = buffer.getInt();
        if (magic != MAGIC) {
            throw new CorruptIndexException(source, String.format(
                    "not an indexgate index file (magic 0x%08x, expected 0x%08x)", magic, MAGIC));
        }
        checkVersion(buffer.getInt(), source);
        String engineId = getName(buffer, source, "engine id");
        String metric = getName(buffer, source, "metric");
        int dimensions = buffer.getInt();
        int reserved = buffer.getInt();
        long entryCount = buffer.getLong();
        long payloadLength = buffer.getLong();
        if (dimensions <= 0 || reserved != 0 || entryCount < 0 || payloadLength < 0) {
            throw new CorruptIndexException(source, "invalid header fields (dimensions " + dimensions
                    + ", reserved " + reserved + ", entries " + entryCount + ", payload length " + payloadLength + ")");
        }
        return new EnvelopeHeader(engineId, metric, dimensions, entryCount, payloadLength);
    }

    private static void checkVersion(int version, String source) throws IndexFormatVersionException {
        if (version < MIN_SUPPORTED_VERSION) {
            throw new IndexFormatTooOldException(source, version, MIN_SUPPORTED_VERSION, FORMAT_VERSION);
        }
        if (version > FORMAT_VERSION) {
            throw new IndexFormatTooNewException(source, version, MIN_SUPPORTED_VERSION, FORMAT_VERSION);
        }
    }

    private static String getName(ByteBuffer buffer, String source, String what) throws CorruptIndexException {
        byte[] field = new byte[NAME_FIELD_LENGTH];
        buffer.get(field);
        int length = 0;
        while (length < field.length && field[length] != 0) {
            if (field[length] < 0x20 || field[length] > 0x7e) {
                throw new CorruptIndexException(source, "the " + what + " field holds a non-printable byte");
            }
            length++;
        }
        for (int i = length; i < field.length; i++) {
            if (field[i] != 0) {
                throw new CorruptIndexException(source, "the " + what + " field is not zero padded");
            }
        }
        if (length == 0) {
            throw new CorruptIndexException(source, "the " + what + " field is empty");
        }
        return new String(field, 0, length, StandardCharsets.US_ASCII);
    }
}
