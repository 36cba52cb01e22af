package io.indexgate.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/** Crafts index files that differ from a valid one only in their format version. */
public final class EnvelopeVersions {

    /** Offset of the format version in the header (see the persist package's "Envelope format"). */
    private static final int VERSION_OFFSET = 4;
    private static final int FOOTER_LENGTH = 8;

    private EnvelopeVersions() {
    }

    /**
     * A copy of a framed file whose header carries {@code version}, with the footer's CRC32C recomputed, so that the
     * version is the only thing wrong with it.
     */
    public static byte[] withVersion(byte[] file, int version) {
        ByteBuffer copy = ByteBuffer.wrap(file.clone()).order(ByteOrder.BIG_ENDIAN);
        copy.putInt(VERSION_OFFSET, version);
        int footerAt = file.length - FOOTER_LENGTH;
        CRC32C crc = new CRC32C();
        crc.update(copy.array(), 0, footerAt);
        copy.putInt(footerAt, (int) crc.getValue());
        return copy.array();
    }
}
