package io.indexgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where the benchmarks keep what is slow to make: generated data, ground truth, built indexes and store snapshots
 * ({@code -Dindexgate.bench.dir}, default {@code ${java.io.tmpdir}/indexgate-bench}), and scratch directories for the
 * files the benchmarks write, under the same directory (so saves hit the same disk as the raw baseline).
 */
public final class BenchFiles {

    /** The system property naming the cache directory. */
    public static final String DIR_PROPERTY = "indexgate.bench.dir";

    private BenchFiles() {
    }

    /** The cache directory, created if needed. */
    public static Path cacheDirectory() {
        String configured = System.getProperty(DIR_PROPERTY);
        Path dir = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "indexgate-bench");
        try {
            return Files.createDirectories(dir.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the benchmark cache directory " + dir, e);
        }
    }

    /** A sub-directory of the cache directory, created if needed. */
    public static Path cache(String name) {
        try {
            return Files.createDirectories(cacheDirectory().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + cacheDirectory().resolve(name), e);
        }
    }

    /** A new, empty scratch directory for one trial; remove it with {@link #deleteTree}. */
    public static Path scratch(String prefix) {
        try {
            return Files.createTempDirectory(cache("scratch"), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch directory", e);
        }
    }

    /** Moves a finished cache file into place, so a run killed halfway never leaves a torn cache entry. */
    static void publish(Path temp, Path target) throws IOException {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Copies a directory tree. */
    public static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes a directory tree if it exists. */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
