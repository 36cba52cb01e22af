package io.indexgate.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive owner lock of a data directory: one store at a time, in this JVM or any other.
 *
 * <p>The lock is an OS file lock ({@link FileChannel#tryLock()}, {@code fcntl} on Linux) on {@value #FILE_NAME} in the
 * data directory, plus a registry of the directories this JVM holds (a file lock is per process, so a second open in
 * the same JVM must be refused here). The kernel drops the file lock when its process dies, by SIGKILL or power cut
 * alike, so a crashed owner never blocks the next open. The lock file is never deleted: deleting it while another
 * process waits to lock it would let two processes lock two different files of the same name. It holds, for people,
 * who took it (PID, host, since when); that text is informational and is rewritten by each owner.
 *
 * <p>Thread-safe.
 */
final class DataDirectoryLock implements AutoCloseable {

    /** The lock file's name in the data directory. */
    static final String FILE_NAME = "store.lock";

    /** Data directories (real paths) held by this JVM, each with the claim of the lock that holds it. */
    private static final Map<Path, Claim> HELD_IN_THIS_JVM = new ConcurrentHashMap<>();

    /** One acquisition; compared by identity, so that a closed lock never releases a later one's claim. */
    private static final class Claim {
        final String holder;

        Claim(String holder) {
            this.holder = holder;
        }
    }

    private final Path directory;
    private final Claim claim;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(Path directory, Claim claim, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.claim = claim;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of an existing data directory, or fails at once.
     *
     * @throws DataDirectoryInUseException naming the directory and the holder if another store holds it
     * @throws IOException                 if the lock file cannot be created or locked
     */
    @io.indexgate.persist.FaultPoint("the negative control in which each store locks a decoy of its own")
    static DataDirectoryLock acquire(Path dataDirectory) throws IOException {
        Path directory = dataDirectory.toRealPath();
        Claim claim = new Claim(describeThisProcess());
        Claim heldHere = HELD_IN_THIS_JVM.putIfAbsent(directory, claim);
        if (heldHere != null) {
            throw new DataDirectoryInUseException(directory, heldHere.holder + " (a store in this JVM)");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile(directory), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new DataDirectoryInUseException(directory, readHolder(channel));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(claim.holder.getBytes(StandardCharsets.UTF_8)), 0);
            return new DataDirectoryLock(directory, claim, channel, lock);
        } catch (IOException | RuntimeException e) {
            HELD_IN_THIS_JVM.remove(directory, claim);
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            throw e;
        }
    }

    /**
     * Who holds the lock of {@code dataDirectory} now, without taking it for longer than a probe and without
     * creating or changing any file: empty if nobody does (or the directory holds no lock file).
     *
     * @throws IOException if the lock file exists but cannot be read
     */
    static Optional<String> currentHolder(Path dataDirectory) throws IOException {
        Path directory;
        try {
            directory = dataDirectory.toRealPath();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Claim heldHere = HELD_IN_THIS_JVM.get(directory);
        if (heldHere != null) {
            return Optional.of(heldHere.holder + " (a store in this JVM)");
        }
        try (FileChannel channel = FileChannel.open(lockFile(directory), StandardOpenOption.READ)) {
            FileLock probe;
            try {
                probe = channel.tryLock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException e) {
                probe = null;
            }
            if (probe != null) {
                probe.release();
                return Optional.empty();
            }
            return Optional.of(readHolder(channel));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * The lock file of a data directory. A method of its own so that the gate's negative control can point each
     * process at a file of its own (a Byteman rule on its exit), which is what removing the lock amounts to.
     */
    @io.indexgate.persist.FaultPoint("the negative control no-owner-lock.btm")
    private static Path lockFile(Path directory) {
        return directory.resolve(FILE_NAME);
    }

    private static String readHolder(FileChannel channel) throws IOException {
        ByteBuffer text = ByteBuffer.allocate(512);
        channel.read(text, 0);
        String holder = new String(text.array(), 0, text.position(), StandardCharsets.UTF_8).strip();
        return holder.isEmpty() ? "another process (it has not said which)" : holder;
    }

    /** PID, host and time; the host from the kernel, not a name lookup that could wait on a resolver. */
    private static String describeThisProcess() {
        String host;
        try {
            host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "an unknown host");
        }
        return "PID " + ProcessHandle.current().pid() + " on " + host + " since " + Instant.now();
    }

    /** Releases the lock (the lock file stays). Idempotent. */
    @Override
    public void close() throws IOException {
        try {
            if (channel.isOpen()) {
                lock.release();
                channel.close();
            }
        } finally {
            HELD_IN_THIS_JVM.remove(directory, claim);
        }
    }
}
