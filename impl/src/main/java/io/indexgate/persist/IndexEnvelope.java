package io.indexgate.persist;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Frames an engine's payload between a {@link EnvelopeHeader} and a footer, and verifies a framed file before any of
 * its payload is trusted. The format (header, payload per engine, footer, version rules) and the order of the checks
 * are written down once, in the "Envelope format" section of the {@code io.indexgate.persist} package documentation.
 *
 * <p>Stateless and thread-safe.
 */
public final class IndexEnvelope {

    /** Footer length in bytes. */
    public static final int FOOTER_LENGTH = 8;
    /** Last four bytes of every index file. */
    public static final int END_MAGIC = 0x58494749;

    private IndexEnvelope() {
    }

    /**
     * Frames {@code payload} (from its position to its limit; not consumed) as header, payload, footer.
     *
     * @throws IllegalArgumentException if the header's payload length differs from the payload's
     */
    public static List<ByteBuffer> frame(EnvelopeHeader header, ByteBuffer payload) {
        if (header.payloadLength() != payload.remaining()) {
            throw new IllegalArgumentException("header announces " + header.payloadLength()
                    + " payload bytes but the payload has " + payload.remaining());
        }
        ByteBuffer headerBytes = header.encode();
        ByteBuffer payloadView = payload.duplicate();
        CRC32C crc = new CRC32C();
        crc.update(headerBytes.duplicate());
        crc.update(payloadView.duplicate());
        ByteBuffer footer = ByteBuffer.allocate(FOOTER_LENGTH).order(ByteOrder.BIG_ENDIAN);
        footer.putInt((int) crc.getValue()).putInt(END_MAGIC).flip();
        return List.of(headerBytes, payloadView, footer);
    }

    /** Total length in bytes of the framed file for a payload of {@code payloadLength} bytes. */
    public static long framedLength(long payloadLength) {
        return EnvelopeHeader.LENGTH + payloadLength + FOOTER_LENGTH;
    }

    /**
     * Checks a decoded header against what the reader expects.
     *
     * @throws CorruptIndexException naming the first field that differs
     */
    static void checkExpected(EnvelopeHeader header, ExpectedIndex expected, String source)
            throws CorruptIndexException {
        if (!header.engineId().equals(expected.engineId())) {
            throw new CorruptIndexException(source, "written by engine '" + header.engineId()
                    + "', expected engine '" + expected.engineId() + "'");
        }
        if (!header.metric().equals(expected.metric())) {
            throw new CorruptIndexException(source, "metric is '" + header.metric()
                    + "', expected '" + expected.metric() + "'");
        }
        if (header.dimensions() != expected.dimensions()) {
            throw new CorruptIndexException(source, "dimensions are " + header.dimensions()
                    + ", expected " + expected.dimensions());
        }
    }

    /**
     * The checks of a framed file whose header has been decoded, in this order: its length, the footer's end magic and
     * the checksum; for a file held whole ({@link #verifiedPayload}) and one read in a stream ({@link VerifiedStream}).
     *
     * @param fileLength the file's length in bytes
     * @param header     the decoded header of the file
     * @param endMagic   the footer's last four bytes
     * @param stored     the footer's checksum
     * @param computed   the checksum of the header and payload as read
     * @param when       appended to a checksum mismatch's message, or empty
     * @throws CorruptIndexException if any check fails
     */
    @FaultPoint("the negative control that skips verification")
    static void verifiedFrame(long fileLength, EnvelopeHeader header, int endMagic, int stored, int computed,
                              String when, String source) throws CorruptIndexException {
        long expectedLength = framedLength(header.payloadLength());
        if (fileLength != expectedLength) {
            throw new CorruptIndexException(source, "length is " + fileLength + " bytes, the header announces "
                    + expectedLength + (fileLength < expectedLength ? " (truncated)" : " (trailing bytes)"));
        }
        if (endMagic != END_MAGIC) {
            throw new CorruptIndexException(source, String.format("bad end magic 0x%08x", endMagic));
        }
        if (stored != computed) {
            throw new CorruptIndexException(source, String.format("checksum mismatch (stored 0x%08x, computed 0x%08x)",
                    stored, computed) + (when.isEmpty() ? "" : " " + when));
        }
    }

    /**
     * Verifies a whole framed file whose header has been decoded ({@link #verifiedFrame}).
     *
     * @param file   the whole file, position 0 to limit
     * @param header the decoded header of {@code file}
     * @return the payload, a read-only slice of {@code file}
     * @throws CorruptIndexException if any check fails
     */
    static ByteBuffer verifiedPayload(ByteBuffer file, EnvelopeHeader header, String source)
            throws CorruptIndexException {
        ByteBuffer view = file.duplicate().order(ByteOrder.BIG_ENDIAN);
        int footerAt = view.remaining() - FOOTER_LENGTH;
        int endMagic = 0;
        int stored = 0;
        int computed = 0;
        if (view.remaining() == framedLength(header.payloadLength())) {
            endMagic = view.getInt(footerAt + 4);
            stored = view.getInt(footerAt);
            CRC32C crc = new CRC32C();
            crc.update(view.duplicate().position(0).limit(footerAt));
            computed = (int) crc.getValue();
        }
        verifiedFrame(view.remaining(), header, endMagic, stored, computed, "", source);
        return view.position(EnvelopeHeader.LENGTH).limit(footerAt).slice().asReadOnlyBuffer();
    }
}
