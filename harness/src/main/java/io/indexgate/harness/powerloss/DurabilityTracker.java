package io.indexgate.harness.powerloss;

import java.io.IOException;
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
 * its parent has been forced. Under {@link PowerLossModel#REORDER} every operation is also written to the
 * {@link PendingJournal} until a force makes it durable. Thread-safe.
 */
final class DurabilityTracker {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DurableState durable;
    /** Null unless the model reorders. */
    private final PendingJournal journal;
    private final Map<Path, Long> inodes = new HashMap<>();

    DurabilityTracker(DurableState durable, PendingJournal journal) {
        this.durable = durable;
        this.journal = journal;
    }

    synchronized void restored(Path file, long inode) {
        inodes.put(file.toAbsolutePath(), inode);
    }

    synchronized long created(Path file) {
        long inode = RANDOM.nextLong() & Long.MAX_VALUE;
        inodes.put(file.toAbsolutePath(), inode);
        journal(PendingJournal.Entry.CREATE, file, null, inode);
        return inode;
    }

    /** The inode of an existing file of the view, or -1 if it is not tracked. */
    synchronized long inodeOf(Path file) {
        return inodes.getOrDefault(file.toAbsolutePath(), -1L);
    }

    synchronized void moved(Path source, Path target) {
        Long inode = inodes.remove(source.toAbsolutePath());
        if (inode != null) {
            inodes.put(target.toAbsolutePath(), inode);
        } else {
            inodes.remove(target.toAbsolutePath());
        }
        journal(PendingJournal.Entry.RENAME, source, target, null);
    }

    synchronized void deleted(Path file) {
        inodes.remove(file.toAbsolutePath());
        journal(PendingJournal.Entry.DELETE, file, null, null);
    }

    synchronized void wrote(long inode, long offset, byte[] data) {
        if (journal != null && inode >= 0 && data.length > 0) {
            journal.append(new PendingJournal.Entry(PendingJournal.Entry.WRITE, null, null, inode, offset, data,
                    null));
        }
    }

    synchronized void truncated(long inode, long size) {
        if (journal != null && inode >= 0) {
            journal.append(new PendingJournal.Entry(PendingJournal.Entry.TRUNCATE, null, null, inode, null, null,
                    size));
        }
    }

    /**
     * Makes the current bytes of the file that is {@code inode} durable, wherever it is now named (a channel follows
     * its file through renames). A file no longer named anywhere has nothing a cut could reach.
     */
    synchronized void forceFile(long inode) throws IOException {
        Path file = null;
        for (Map.Entry<Path, Long> entry : inodes.entrySet()) {
            if (entry.getValue() == inode) {
                file = entry.getKey();
                break;
            }
        }
        if (inode >= 0 && file != null) {
            byte[] content = java.nio.file.Files.readAllBytes(file);
            // The journal first: a process killed in between loses the pending writes (the force had not returned,
            // so they may be lost), never replays writes that the durable state already holds.
            if (journal != null) {
                journal.fileForced(inode);
            }
            durable.forceContent(inode, content);
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
        if (journal != null) {
            journal.directoryForced(absolute.toString());
        }
        durable.forceListing(absolute.toString(), entries);
    }

    /** A directory restored from the durable state: not an operation. */
    synchronized void directoryRestored(Path directory) {
        inodes.put(directory.toAbsolutePath(), DurableState.DIRECTORY);
    }

    synchronized void directoryCreated(Path directory) {
        inodes.put(directory.toAbsolutePath(), DurableState.DIRECTORY);
        journal(PendingJournal.Entry.MKDIR, directory, null, null);
    }

    private void journal(String op, Path path, Path target, Long inode) {
        if (journal != null) {
            journal.append(new PendingJournal.Entry(op, path.toAbsolutePath().toString(),
                    target == null ? null : target.toAbsolutePath().toString(), inode, null, null, null));
        }
    }
}
