package io.indexgate.harness.powerloss;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Knows which inode each file of the volatile view is, and turns forces into durable state: forcing a file makes its
 * current bytes durable under its inode; forcing a directory makes its current listing durable: its files' names and
 * inodes, and its subdirectories' names (as {@link DurableState#DIRECTORY}). Creating, renaming and deleting files
 * and creating directories change only the volatile view: a new directory, like a new file, survives a cut only once
 * its parent has been forced. Thread-safe.
 */
final class DurabilityTracker {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DurableState durable;
    private final Map<Path, Long> inodes = new HashMap<>();

    DurabilityTracker(DurableState durable) {
        this.durable = durable;
    }

    synchronized void restored(Path file, long inode) {
        inodes.put(file.toAbsolutePath(), inode);
    }

    synchronized void created(Path file) {
        inodes.put(file.toAbsolutePath(), RANDOM.nextLong() & Long.MAX_VALUE);
    }

    synchronized void moved(Path source, Path target) {
        Long inode = inodes.remove(source.toAbsolutePath());
        if (inode != null) {
            inodes.put(target.toAbsolutePath(), inode);
        } else {
            inodes.remove(target.toAbsolutePath());
        }
    }

    synchronized void deleted(Path file) {
        inodes.remove(file.toAbsolutePath());
    }

    synchronized void forceFile(Path file) throws IOException {
        Long inode = inodes.get(file.toAbsolutePath());
        if (inode != null) {
            durable.forceContent(inode, Files.readAllBytes(file));
        }
    }

    synchronized void forceDirectory(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath();
        TreeMap<String, Long> entries = new TreeMap<>();
        inodes.forEach((file, inode) -> {
            if (absolute.equals(file.getParent())) {
                entries.put(file.getFileName().toString(), inode);
            }
        });
        durable.forceListing(absolute.toString(), entries);
    }

    synchronized void directoryCreated(Path directory) {
        inodes.put(directory.toAbsolutePath(), DurableState.DIRECTORY);
    }
}
