package io.indexgate.persist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads an index file and verifies it completely (header against expectations, length, end magic, CRC32C) before
 * returning its payload. The header is checked before the rest of the file is read, so a foreign or mismatched file
 * is rejected without reading it whole. Read only: it opens the target for reading and nothing else, never creates,
 * writes or deletes a file (stale temps are cleared by the store's recovery, with {@link StaleTemps}), so it also
 * serves read-only inspection. Stateless and thread-safe.
 *
 * <p>{@link #openVerified} verifies a file in a streamed pass and returns it open for a second one, for engines that
 * decode in Java: no buffer of the file's size.
 *
 * <p>Every read allocates its own direct buffer for the file and hands it over: an engine may keep the verified
 * payload as its loaded index (USearch reads its graph in place), so this reader must never pool, reuse or clear a
 * buffer it has returned. The buffer counts against {@code -XX:MaxDirectMemorySize} (by default the heap's maximum)
 * for as long as an engine keeps it.
 */
public final class IndexFileReader {

    /** Largest file this reader accepts: one direct buffer. */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

    private IndexFileReader() {
    }

    /**
     * Reads {@code target} and verifies it; changes nothing on disk (clearing stale temps is the store's recovery's
     * job, see {@link StaleTemps}).
     *
     * @throws java.nio.file.NoSuchFileException if {@code target} does not exist
     * @throws IndexFormatVersionException       if its format version is outside the supported range
     * @throws CorruptIndexException             if it fails any other check
     * @throws IOException                       if it cannot be read
     */
    public static VerifiedIndex read(Path target, ExpectedIndex expected) throws IOException {
        String source = target.toString();
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.READ)) {
            long size = channel.size();
            EnvelopeHeader header = checkedHeader(channel, size, expected, source);
            ByteBuffer file = ByteBuffer.allocateDirect((int) size);
            readFully(channel, file, 0, source);
            file.flip();
            return new VerifiedIndex(header, IndexEnvelope.verifiedPayload(file, header, source));
        }
    }

    /**
     * Verifies {@code target} as {@link #read} does (the same checks in the same order, the same exceptions), reading
     * it in chunks instead of into a buffer of its size, and returns it open for a second streamed read of its
     * payload (see {@link VerifiedStream}), which the caller closes. For engines that decode in Java and keep none of
     * the file's bytes; a native engine takes {@link #read}'s buffer, which nothing can change after its check.
     *
     * @throws java.nio.file.NoSuchFileException if {@code target} does not exist
     * @throws IndexFormatVersionException       if its format version is outside the supported range
     * @throws CorruptIndexException             if it fails any other check
     * @throws IOException                       if it cannot be read
     */
    public static VerifiedStream openVerified(Path target, ExpectedIndex expected) throws IOException {
        String source = target.toString();
        FileChannel channel = FileChannel.open(target, StandardOpenOption.READ);
        try {
            long size = channel.size();
            EnvelopeHeader header = checkedHeader(channel, size, expected, source);
            VerifiedStream stream = new VerifiedStream(channel, header, size, source);
            stream.verify();
            return stream;
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    /** Reads and checks the header, then the file's length against it: what both reads check first. */
    private static EnvelopeHeader checkedHeader(FileChannel channel, long size, ExpectedIndex expected, String source)
            throws IOException {
        if (size < EnvelopeHeader.LENGTH + IndexEnvelope.FOOTER_LENGTH) {
            throw new CorruptIndexException(source, "only " + size + " bytes, shorter than header and footer");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate(EnvelopeHeader.LENGTH);
        readFully(channel, headerBytes, 0, source);
        EnvelopeHeader header = EnvelopeHeader.decode(headerBytes.flip(), source);
        IndexEnvelope.checkExpected(header, expected, source);
        long expectedLength = IndexEnvelope.framedLength(header.payloadLength());
        if (size != expectedLength) {
            throw new CorruptIndexException(source, "length is " + size + " bytes, the header announces "
                    + expectedLength + (size < expectedLength ? " (truncated)" : " (trailing bytes)"));
        }
        if (size > MAX_FILE_BYTES) {
            throw new CorruptIndexException(source, "length " + size + " exceeds the supported maximum "
                    + MAX_FILE_BYTES);
        }
        return header;
    }

    @FaultPoint("EIO while reading an index at load")
    static void readFully(FileChannel channel, ByteBuffer into, long position, String source)
            throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int read = channel.read(into, at);
            if (read < 0) {
                throw new CorruptIndexException(source, "file ended while reading at offset " + at);
            }
            at += read;
        }
    }
}
