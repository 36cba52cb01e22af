package io.indexgate.persist;

import java.nio.ByteBuffer;

/**
 * An index file that passed every check of {@link IndexEnvelope}: its header, and its payload as a read-only buffer
 * (direct, so that native engines can read it in place).
 *
 * @param header  the verified header
 * @param payload the verified payload, position 0 to limit
 */
public record VerifiedIndex(EnvelopeHeader header, ByteBuffer payload) {
}
