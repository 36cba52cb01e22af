package io.indexgate.persist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * An index file that passed every check of {@link IndexEnvelope} in a first streamed pass
 * ({@link IndexFileReader#openVerified}), and its payload as a stream that reads the same open file a second time,
 * in chunks, for an engine that decodes in Java and keeps none of the file's bytes. No buffer the size of the file is
 * ever allocated: for a 321 MB hnswlib index, allocating and zeroing one direct buffer took 165 to 530 ms of a load,
 * two streamed passes over the page cache about 60 ms each.
 *
 * <p>The second pass computes the checksum again; {@link #finish()} reads what the decoder left and compares it with
 * the verified one, so a file rewritten in place between the two passes is refused like any other corrupt file. The
 * stream holds the file open: a rename over the target meanwhile does not change what it reads. Only Java code
 * reads these bytes before {@link #finish()}; native engines take a {@link VerifiedIndex}, verified whole before they
 * see a byte. Not thread-safe: one decoder reads it, then closes it.
 */
public final class VerifiedStream implements AutoCloseable {

    static final int CHUNK_BYTES = 1 << 20;

    private final FileChannel channel;
    private final EnvelopeHeader header;
    private final long fileLength;
    private final String source;
    private final CRC32C checksum = new CRC32C();
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES);
    /** Offset in the file of the next byte to read from disk. */
    private long next;
    /** Offset in the file where the payload ends (the footer's). */
    private final long payloadEnd;
    private final Payload payload = new Payload();
    /** The footer, as the first pass read it. */
    private int endMagic;
    private int storedChecksum;
    private boolean finished;

    /** Opens the first pass over a file whose header and length have been checked; {@link #verify} runs it. */
    VerifiedStream(FileChannel channel, EnvelopeHeader header, long fileLength, String source) throws IOException {
        this.channel = channel;
        this.header = header;
        this.fileLength = fileLength;
        this.source = source;
        this.payloadEnd = fileLength - IndexEnvelope.FOOTER_LENGTH;
        startPass();
    }

    /**
     * The first pass: reads the payload and the footer, checks the file ({@link IndexEnvelope#verifiedFrame}), then
     * starts the second pass, the decoder's.
     *
     * @throws CorruptIndexException if the file fails a check
     */
    void verify() throws IOException {
        int computed = checksumOfTheRest();
        ByteBuffer footer = ByteBuffer.allocate(IndexEnvelope.FOOTER_LENGTH);
        IndexFileReader.readFully(channel, footer, payloadEnd, source);
        storedChecksum = footer.getInt(0);
        endMagic = footer.getInt(4);
        IndexEnvelope.verifiedFrame(fileLength, header, endMagic, storedChecksum, computed, "", source);
        startPass();
    }

    /** The verified header. */
    public EnvelopeHeader header() {
        return header;
    }

    /** The payload, from its first byte to its last; reading past it returns end of stream. */
    public InputStream payload() {
        return payload;
    }

    /**
     * Reads the rest of the payload and checks that the second pass saw the bytes the first one verified.
     *
     * @throws CorruptIndexException if they differ: the file changed while it was being loaded
     */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        IndexEnvelope.verifiedFrame(fileLength, header, endMagic, storedChecksum, checksumOfTheRest(),
                "on the second read, the file changed while it was being loaded", source);
        finished = true;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Starts a pass at the file's first byte: the checksum restarts with the header, read again. */
    private void startPass() throws IOException {
        checksum.reset();
        chunk.clear().limit(EnvelopeHeader.LENGTH);
        IndexFileReader.readFully(channel, chunk, 0, source);
        checksum.update(chunk.flip());
        next = EnvelopeHeader.LENGTH;
        chunk.limit(0);
    }

    /** Reads what this pass has not read of the payload; the checksum of the header and the whole payload. */
    private int checksumOfTheRest() throws IOException {
        while (next < payloadEnd) {
            refill();
        }
        chunk.limit(0);
        return (int) checksum.getValue();
    }

    /** Reads the next chunk of the payload from disk into {@code chunk}, adding it to the checksum. */
    private void refill() throws IOException {
        int length = (int) Math.min(CHUNK_BYTES, payloadEnd - next);
        chunk.clear().limit(length);
        IndexFileReader.readFully(channel, chunk, next, source);
        chunk.flip();
        checksum.update(chunk.duplicate());
        next += length;
    }

    private final class Payload extends InputStream {
        @Override
        public int read() throws IOException {
            if (!chunk.hasRemaining()) {
                if (next >= payloadEnd) {
                    return -1;
                }
                refill();
            }
            return chunk.get() & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, into.length);
            if (length == 0) {
                return 0;
            }
            if (!chunk.hasRemaining()) {
                if (next >= payloadEnd) {
                    return -1;
                }
                refill();
            }
            int count = Math.min(length, chunk.remaining());
            chunk.get(into, offset, count);
            return count;
        }

        @Override
        public int available() {
            return chunk.remaining();
        }
    }
}
