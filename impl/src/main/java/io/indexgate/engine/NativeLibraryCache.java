package io.indexgate.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Native libraries shipped inside jars, extracted once per content to a path named by their SHA-256 and shared by
 * every process: {@code <root>/<sha-256>/<file name>}, where the root is the system property
 * {@value #ROOT_PROPERTY} or else {@code ${java.io.tmpdir}/indexgate-native}. Nothing is extracted per process, so a
 * process killed with SIGKILL or halted leaves nothing behind (a copy per process removed by {@code deleteOnExit}
 * piles up: {@code deleteOnExit} never runs then).
 *
 * <p>A library is written to a unique temp name in its directory, forced, and atomically renamed into place, so
 * concurrent first uses from many processes and threads are safe: each one either finds the complete file or renames
 * its own complete copy over an identical one. The file's hash is verified before its path is returned, every time: a
 * damaged cached copy is replaced, never loaded. Thread-safe.
 */
public final class NativeLibraryCache {

    /** The system property naming the cache root. */
    public static final String ROOT_PROPERTY = "indexgate.native.dir";

    private NativeLibraryCache() {
    }

    /** The cache root in force. */
    public static Path root() {
        String configured = System.getProperty(ROOT_PROPERTY);
        return configured != null ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "indexgate-native");
    }

    /**
     * The verified cached copy of a class-path resource, extracted now if it is missing or damaged.
     *
     * @param owner    a class whose loader finds the resource
     * @param resource the absolute resource name
     * @param fileName the name the library gets in its directory
     * @throws NoSuchFileException if there is no such resource
     * @throws IOException         naming the path, if the cache cannot be written or the copy does not verify
     */
    public static Path extract(Class<?> owner, String resource, String fileName) throws IOException {
        byte[] library;
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new NoSuchFileException(resource, null, "not on the class path");
            }
            library = in.readAllBytes();
        }
        String hash = sha256(library);
        Path directory = root().resolve(hash);
        Path target = directory.resolve(fileName);
        if (hashOf(target).equals(hash)) {
            return target;
        }
        try {
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, fileName + ".", ".tmp");
            try {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ByteBuffer bytes = ByteBuffer.wrap(library);
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                    channel.force(true);
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot publish the native library " + target + " atomically", e);
        } catch (IOException e) {
            throw new IOException("cannot extract the native library " + resource + " to " + target + ": " + e, e);
        }
        String written = hashOf(target);
        if (!written.equals(hash)) {
            throw new IOException("the native library " + target + " has SHA-256 " + written + " after extraction, "
                    + "expected " + hash);
        }
        return target;
    }

    /** The SHA-256 of a file in hex, or "" if it does not exist. */
    static String hashOf(Path file) throws IOException {
        try {
            return sha256(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
