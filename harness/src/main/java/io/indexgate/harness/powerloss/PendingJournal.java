package io.indexgate.harness.powerloss;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.indexgate.harness.history.Histories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The operations a process did since they were last forced, in program order, kept beside the durable state so that
 * they outlive the process: what a reordering file system may or may not have persisted at a cut
 * ({@link PowerLossModel#REORDER}). A force trims it: forcing a file drops that file's pending writes (they are in
 * the durable state now), forcing a directory drops the pending entries of that directory. The file is rewritten
 * by an atomic rename on each trim and appended to (no fsync: the simulated machine loses power, the real one does
 * not) on each operation. Thread-safe.
 */
final class PendingJournal {

    /** The journal's file name inside the durable directory. */
    static final String FILE = "pending.jsonl";

    /**
     * One pending operation. Directory operations name absolute paths of the simulated file system; data operations
     * name the inode they change.
     *
     * @param op     {@code create}, {@code mkdir}, {@code rename}, {@code delete}, {@code write} or {@code truncate}
     * @param path   the entry created, renamed (its source), or deleted
     * @param target the new name of a rename
     * @param inode  the file a create, write or truncate concerns
     * @param offset where a write starts
     * @param data   what a write wrote
     * @param size   the size a truncate leaves
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(String op, String path, String target, Long inode, Long offset, byte[] data, Long size) {

        static final String CREATE = "create";
        static final String MKDIR = "mkdir";
        static final String RENAME = "rename";
        static final String DELETE = "delete";
        static final String WRITE = "write";
        static final String TRUNCATE = "truncate";

        boolean isData() {
            return op.equals(WRITE) || op.equals(TRUNCATE);
        }

        /** Whether forcing {@code directory} makes this directory operation durable. */
        boolean touches(String directory) {
            return !isData() && (directory.equals(parent(path)) || (target != null
                    && directory.equals(parent(target))));
        }

        static String parent(String path) {
            int slash = path.lastIndexOf('/');
            return slash <= 0 ? "/" : path.substring(0, slash);
        }

        static String name(String path) {
            return path.substring(path.lastIndexOf('/') + 1);
        }

        /** A short human description, for crash-state reports. */
        String describe() {
            return switch (op) {
                case RENAME -> "rename " + name(path) + " -> " + name(target);
                case WRITE -> "write " + data.length + " B at " + offset + " of inode " + Long.toHexString(inode);
                case TRUNCATE -> "truncate inode " + Long.toHexString(inode) + " to " + size;
                default -> op + " " + name(path);
            };
        }
    }

    private final Path file;
    private final List<Entry> pending = new ArrayList<>();

    /** Starts an empty journal in {@code durableDirectory}, replacing what a previous process left. */
    PendingJournal(Path durableDirectory) {
        this.file = durableDirectory.resolve(FILE);
        rewrite();
    }

    /** The pending operations a previous process left in {@code durableDirectory}: none if it left no journal. */
    static List<Entry> read(Path durableDirectory) throws IOException {
        Path file = durableDirectory.resolve(FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                entries.add(Histories.json().readValue(line, Entry.class));
            } catch (IOException e) {
                // A process killed in the middle of an append leaves a cut last line: that operation never returned.
                break;
            }
        }
        return entries;
    }

    synchronized void append(Entry entry) {
        pending.add(Objects.requireNonNull(entry));
        try {
            Files.write(file, (Histories.json().writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot journal a pending operation in " + file, e);
        }
    }

    synchronized void fileForced(long inode) {
        if (pending.removeIf(entry -> entry.isData() && entry.inode() == inode)) {
            rewrite();
        }
    }

    synchronized void directoryForced(String directory) {
        if (pending.removeIf(entry -> entry.touches(directory))) {
            rewrite();
        }
    }

    private void rewrite() {
        try {
            write(file.getParent(), pending);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite the pending-operation journal " + file, e);
        }
    }

    /** Writes {@code entries} as the journal of {@code durableDirectory}, replacing it by an atomic rename. */
    static void write(Path durableDirectory, List<Entry> entries) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Entry entry : entries) {
            text.append(Histories.json().writeValueAsString(entry)).append('\n');
        }
        Path file = durableDirectory.resolve(FILE);
        Path temp = file.resolveSibling(FILE + ".next");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
