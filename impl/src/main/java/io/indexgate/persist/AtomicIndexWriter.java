package io.indexgate.persist;

import java.io.IOException;
import io.indexgate.testing.PersistenceMode;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes an index file so that a crash at any instant leaves either the previous file or the new one under the
 * target name, never a torn one (in {@link PersistenceMode#ATOMIC}):
 * <ol>
 *   <li>create a sibling temp {@code <target>.<16 hex>.tmp} with {@code CREATE_NEW};</li>
 *   <li>write the content through a {@link FileChannel} in chunks of at most {@value #MAX_CHUNK_BYTES} bytes;</li>
 *   <li>{@code force(true)} the temp;</li>
 *   <li>{@code Files.move(temp, target, ATOMIC_MOVE)}; if the file system refuses, the save fails (no copy);</li>
 *   <li>{@code force(true)} the parent directory, after which the new file is durable.</li>
 * </ol>
 * On a failure before the move completes, the temp is deleted (best effort) and the target is untouched; the thrown
 * {@link IndexSaveException} names the target and the step. Every step is its own method so that fault-injection
 * rules and the crash-point tracer can name them; each is a {@link FaultPoint}.
 *
 * <p>Only {@code java.nio.file} APIs on the given {@link Path} are used, so this runs unchanged on any
 * {@link java.nio.file.FileSystem} (the default one, jimfs, or the power-loss simulation). Stateless and thread-safe;
 * concurrent saves to the same target each use their own temp, and the last move wins.
 */
public final class AtomicIndexWriter {

    /** The largest number of bytes passed to one {@link FileChannel#write} call. */
    public static final int MAX_CHUNK_BYTES = 1 << 20;

    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicIndexWriter() {
    }

    /**
     * Writes {@code content} (each buffer from position to limit, not consumed) to {@code target} with the atomic
     * protocol (or, in a negative control, the {@link PersistenceMode} installed in this JVM).
     *
     * @throws IndexSaveException naming the target and the failed step; see the class description for what is left
     */
    @FaultPoint("the save itself: rules count saves at its entry")
    public static void write(Path target, List<ByteBuffer> content) throws IndexSaveException {
        // One method, no overload: rules count saves at the entry of "write" and name it as the caller of the steps.
        PersistenceMode mode = PersistenceMode.installed();
        if (mode == PersistenceMode.DIRECT) {
            writeInPlace(target, content);
            return;
        }
        Path temp = createTemp(target);
        SaveStep step = SaveStep.WRITE;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                writeContent(channel, content);
                if (mode.forcesFileBeforeRename()) {
                    step = SaveStep.FORCE_FILE;
                    forceFile(channel);
                }
            }
            step = SaveStep.MOVE;
            moveIntoPlace(temp, target);
        } catch (IOException | RuntimeException | Error e) {
            deleteTempAfterFailure(temp, e);
            throw new IndexSaveException(target, step, e);
        }
        if (mode == PersistenceMode.ATOMIC_FORCE_AFTER_RENAME) {
            try {
                forceAfterMove(target);
            } catch (IOException | RuntimeException e) {
                throw new IndexSaveException(target, SaveStep.FORCE_FILE, e);
            }
        }
        if (mode.forcesDirectory()) {
            try {
                forceDirectory(parentOf(target));
            } catch (IOException | RuntimeException e) {
                throw new IndexSaveException(target, SaveStep.FORCE_DIRECTORY, e);
            }
        }
    }

    /** The temp-file name pattern of {@code target}: its file name, a dot, 16 lower-case hex digits, {@code .tmp}. */
    static String tempNameRegex(Path target) {
        return java.util.regex.Pattern.quote(target.getFileName().toString()) + "\\.[0-9a-f]{16}\\.tmp";
    }

    @FaultPoint("creating the temp")
    static Path createTemp(Path target) throws IndexSaveException {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        Path temp = target.resolveSibling(target.getFileName() + "." + HexFormat.of().formatHex(random) + ".tmp");
        try {
            return Files.createFile(temp);
        } catch (IOException | RuntimeException e) {
            throw new IndexSaveException(target, SaveStep.CREATE_TEMP, e);
        }
    }

    private static void writeContent(FileChannel channel, List<ByteBuffer> content) throws IOException {
        for (ByteBuffer buffer : content) {
            ByteBuffer remaining = buffer.duplicate();
            while (remaining.hasRemaining()) {
                int chunkLength = Math.min(remaining.remaining(), MAX_CHUNK_BYTES);
                ByteBuffer chunk = remaining.slice().limit(chunkLength);
                writeChunk(channel, chunk);
                remaining.position(remaining.position() + chunkLength);
            }
        }
    }

    @FaultPoint("torn writes, ENOSPC, halts between chunks; the torn-write rules need the channel and buffer as parameters")
    static void writeChunk(FileChannel channel, ByteBuffer chunk) throws IOException {
        while (chunk.hasRemaining()) {
            channel.write(chunk);
        }
    }

    @FaultPoint("EIO on the file force, and the fsyncgate cut after it")
    static void forceFile(FileChannel channel) throws IOException {
        channel.force(true);
    }

    /** The negative control {@link PersistenceMode#ATOMIC_FORCE_AFTER_RENAME}: the file is forced under its new name. */
    @FaultPoint("the late force of the negative control ATOMIC_FORCE_AFTER_RENAME")
    static void forceAfterMove(Path target) throws IOException {
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.READ)) {
            forceFile(channel);
        }
    }

    @FaultPoint("a failing rename, halts before and after it")
    static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            // REPLACE_EXISTING: providers differ in whether an atomic move may replace; on POSIX this is rename(2).
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new AtomicMoveNotSupportedException(temp.toString(), target.toString(),
                    "the file system cannot rename atomically, and indexgate never falls back to a copy: "
                            + e.getMessage());
        }
    }

    /**
     * Forces a directory so that the entries created, renamed or deleted in it are durable (POSIX). A failure is
     * reported, never ignored: the caller must not treat the change as durable.
     */
    @FaultPoint("EIO on the directory force, and the cut after it")
    public static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    @FaultPoint("a temp that cannot be deleted, halts while clearing stale temps")
    static void deleteTemp(Path temp) throws IOException {
        Files.deleteIfExists(temp);
    }

    @FaultPoint("the caller that rules name for a temp that cannot be deleted after a failed save")
    private static void deleteTempAfterFailure(Path temp, Throwable failure) {
        try {
            deleteTemp(temp);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(new IOException("could not delete temp " + temp
                    + "; it will be cleared on the next load", e));
        }
    }

    private static void writeInPlace(Path target, List<ByteBuffer> content) throws IndexSaveException {
        SaveStep step = SaveStep.WRITE;
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeContent(channel, content);
            step = SaveStep.FORCE_FILE;
            forceFile(channel);
        } catch (IOException | RuntimeException e) {
            throw new IndexSaveException(target, step, e);
        }
    }

    static Path parentOf(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null) {
            throw new IllegalArgumentException("index path has no parent directory: " + target);
        }
        return parent;
    }
}
