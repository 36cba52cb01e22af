package io.indexgate.harness.powerloss;

import io.indexgate.persist.AtomicIndexWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * A child process for {@link SyscallModelTest}, run under the preloaded file-system library: does one named sequence
 * of file-system calls in a directory and exits 0 (or dies where the library's fault strikes).
 *
 * <p>Arguments: {@code <directory> <what>}, with what one of {@code unsynced-rename}, {@code synced-rename},
 * {@code unforced-overwrite}, {@code sqlite-full}, {@code sqlite-off}, {@code sqlite-read}, {@code hard-link},
 * {@code fsync-error}.
 */
public final class ShimProbeMain {

    private ShimProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        switch (args[1]) {
            case "unsynced-rename" -> publish(directory, "v1", false);
            case "synced-rename" -> publish(directory, "v1", true);
            case "unforced-overwrite" -> {
                try (FileChannel channel = FileChannel.open(directory.resolve("b"), StandardOpenOption.WRITE)) {
                    channel.write(ByteBuffer.wrap("new".getBytes(StandardCharsets.UTF_8)), 0);
                }
            }
            case "sqlite-full" -> sqlite(directory, "FULL");
            case "sqlite-off" -> sqlite(directory, "OFF");
            case "sqlite-read" -> {
                try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("s.db"));
                     Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT count(*) FROM t")) {
                    rows.next();
                    System.out.println("rows=" + rows.getInt(1));
                }
            }
            case "hard-link" -> {
                Files.writeString(directory.resolve("x"), "x");
                Files.createLink(directory.resolve("y"), directory.resolve("x"));
            }
            case "fsync-error" -> {
                try (FileChannel channel = FileChannel.open(directory.resolve("c"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE)) {
                    channel.write(ByteBuffer.wrap("c".getBytes(StandardCharsets.UTF_8)));
                    try {
                        channel.force(true);
                        System.out.println("forced");
                    } catch (java.io.IOException e) {
                        System.out.println("force failed: " + e.getMessage());
                    }
                }
            }
            default -> throw new IllegalArgumentException(args[1]);
        }
    }

    /** Writes a.tmp, forces it, renames it to a, and forces the directory if told. */
    private static void publish(Path directory, String content, boolean forceDirectory) throws Exception {
        Path temp = directory.resolve("a.tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        Files.move(temp, directory.resolve("a"), StandardCopyOption.ATOMIC_MOVE);
        if (forceDirectory) {
            AtomicIndexWriter.forceDirectory(directory);
        }
    }

    private static void sqlite(Path directory, String synchronous) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("s.db"));
             Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode=WAL");
            statement.execute("PRAGMA synchronous=" + synchronous);
            statement.execute("CREATE TABLE IF NOT EXISTS t(x)");
            for (int i = 0; i < 3; i++) {
                statement.execute("INSERT INTO t VALUES (" + i + ")");
            }
            // A crash with the connection open: no checkpoint at close, the rows are in the write-ahead log only.
            Runtime.getRuntime().halt(0);
        }
    }
}
