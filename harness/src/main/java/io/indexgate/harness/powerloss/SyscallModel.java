package io.indexgate.harness.powerloss;

import io.indexgate.harness.process.TempFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The power-loss model of a whole data directory, from the journal of a process's file-system calls
 * ({@link SyscallJournal}): the directory as it was when the process started counts as durable (it is what the last
 * cut left, installed by the harness), and replaying the process's calls over it gives, at the moment the process
 * died, the durable state (the bytes of each file as of its last {@code fsync}, each directory's names as of its last
 * {@code fsync}) and the operations still pending, in program order. That is the same {@link DurableState} and
 * {@link PendingJournal} that the {@code java.nio} model keeps, so both power-loss models and their crash-state
 * enumeration ({@link CrashStates}) apply unchanged to SQLite's files as to the index files.
 *
 * <p>Two kinds of file hold no durable state by their owners' design, and their unforced writes are not pending
 * operations of the model (they would multiply crash states that all recover alike): SQLite's shared-memory index
 * ({@code -shm}, rebuilt by the first connection after every crash; its content is mostly written through a memory
 * mapping the library cannot see anyway) and the store's lock file (text for people; the lock itself is the kernel's).
 * Their names and forced bytes are modelled like any file's.
 *
 * <p>Not thread-safe; each method works on its own state.
 */
public final class SyscallModel {

    /** File names whose unforced writes are not enumerated (see the class documentation). */
    private static final List<String> SCRATCH_SUFFIXES = List.of("-shm", "store.lock");

    private SyscallModel() {
    }

    /**
     * The state of a data directory when a process starts: every directory and file, each file with its real inode and
     * bytes.
     *
     * @param files       model path ("/store.db") to file
     * @param directories model paths of every directory, the root "/" included
     */
    public record Base(Map<String, BaseFile> files, List<String> directories) {
    }

    /** A file of a {@link Base}. */
    public record BaseFile(long inode, byte[] content) {
    }

    /** Reads the state of {@code dataDirectory} (which exists) as a process about to start there will find it. */
    public static Base capture(Path dataDirectory) throws IOException {
        Map<String, BaseFile> files = new TreeMap<>();
        List<String> directories = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dataDirectory)) {
            for (Path path : walk.toList()) {
                String model = modelPath(dataDirectory.relativize(path).toString());
                if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    directories.add(model);
                } else if (Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    long inode = ((Number) Files.getAttribute(path, "unix:ino")).longValue();
                    files.put(model, new BaseFile(inode, Files.readAllBytes(path)));
                } else {
                    throw new IOException("the power-loss model follows regular files and directories only, not "
                            + path);
                }
            }
        }
        return new Base(files, directories);
    }

    /**
     * Replays {@code calls} over {@code base} and writes what a power cut at the end of the calls leaves into
     * {@code durableDirectory} (replaced): the durable state, and with {@code journalPending} the pending operations
     * for {@link CrashStates}.
     *
     * @throws IOException if the journal shows something the model cannot follow (a call on a file it never saw, or a
     *                     record of kind {@link SyscallJournal.Kind#UNSUPPORTED}), naming it
     */
    public static void replay(Base base, List<SyscallJournal.Call> calls, Path durableDirectory,
                              boolean journalPending) throws IOException {
        SyscallJournal.requireFollowable(calls, "the journal replayed into " + durableDirectory);
        Replay replay = new Replay(base);
        for (SyscallJournal.Call call : calls) {
            replay.apply(call);
        }
        TempFiles.deleteTree(durableDirectory);
        DurableState durable = new DurableState(durableDirectory);
        for (Map.Entry<Long, byte[]> entry : replay.durableContent.entrySet()) {
            durable.forceContent(entry.getKey(), entry.getValue());
        }
        durable.replaceListings(replay.durableListings);
        if (journalPending) {
            PendingJournal.write(durableDirectory, replay.pending);
        }
    }

    /**
     * Makes {@code dataDirectory} (created if absent, emptied if not) hold exactly the durable state of
     * {@code durableDirectory}: what a machine finds after the cut. A file never forced is empty.
     */
    public static void materialize(Path durableDirectory, Path dataDirectory) throws IOException {
        DurableState durable = new DurableState(durableDirectory);
        write(durable.copyOfListings(), Map.of(), durable, dataDirectory);
    }

    /** Makes {@code target} (created if absent, emptied if not) hold the crash state {@code state}. */
    public static void materialize(CrashStates.CrashState state, Path durableDirectory, Path target)
            throws IOException {
        write(state.listings(), state.changed(), new DurableState(durableDirectory), target);
    }

    private static void write(TreeMap<String, TreeMap<String, Long>> listings, Map<Long, byte[]> changed,
                              DurableState durable, Path target) throws IOException {
        TempFiles.deleteTree(target);
        Files.createDirectories(target);
        List<Map.Entry<String, Long>> entries = new ArrayList<>();
        CrashStates.walk(listings, "/", (path, inode) -> entries.add(Map.entry(path, inode)));
        // The walk visits a directory before what it holds.
        for (Map.Entry<String, Long> entry : entries) {
            Path real = target.resolve(entry.getKey().substring(1));
            if (entry.getValue() == DurableState.DIRECTORY) {
                Files.createDirectory(real);
            } else {
                byte[] content = changed.containsKey(entry.getValue()) ? changed.get(entry.getValue())
                        : durable.content(entry.getValue());
                Files.write(real, content == null ? new byte[0] : content);
            }
        }
    }

    /** "/" for the data directory itself, else "/" and the relative path. */
    static String modelPath(String relative) {
        return relative.isEmpty() ? "/" : "/" + relative;
    }

    /** The volatile view and the durable state while a journal is replayed. */
    private static final class Replay {
        private final Map<Long, Long> idOfInode = new HashMap<>();
        private final TreeMap<String, TreeMap<String, Long>> volatileListings = new TreeMap<>();
        private final TreeMap<String, TreeMap<String, Long>> durableListings = new TreeMap<>();
        private final Map<Long, Content> volatileContent = new HashMap<>();
        private final Map<Long, byte[]> durableContent = new HashMap<>();
        private final java.util.Set<Long> scratch = new java.util.HashSet<>();
        private final List<PendingJournal.Entry> pending = new ArrayList<>();
        private long nextId = 1;

        Replay(Base base) {
            for (String directory : base.directories()) {
                volatileListings.put(directory, new TreeMap<>());
            }
            for (String directory : base.directories()) {
                if (!directory.equals("/")) {
                    volatileListings.get(PendingJournal.Entry.parent(directory))
                            .put(PendingJournal.Entry.name(directory), DurableState.DIRECTORY);
                }
            }
            for (Map.Entry<String, BaseFile> file : base.files().entrySet()) {
                long id = nextId++;
                idOfInode.put(file.getValue().inode(), id);
                volatileListings.get(PendingJournal.Entry.parent(file.getKey()))
                        .put(PendingJournal.Entry.name(file.getKey()), id);
                volatileContent.put(id, new Content(file.getValue().content()));
                durableContent.put(id, file.getValue().content());
                noteScratch(id, file.getKey());
            }
            volatileListings.forEach((directory, entries) -> durableListings.put(directory, new TreeMap<>(entries)));
        }

        void apply(SyscallJournal.Call call) throws IOException {
            switch (call.kind()) {
                case CREATE -> {
                    String path = modelPath(call.path());
                    long id = nextId++;
                    idOfInode.put(call.inode(), id);
                    listing(PendingJournal.Entry.parent(path), call).put(PendingJournal.Entry.name(path), id);
                    volatileContent.put(id, new Content(new byte[0]));
                    noteScratch(id, path);
                    pending.add(new PendingJournal.Entry(PendingJournal.Entry.CREATE, path, null, id, null, null,
                            null));
                }
                case OPEN -> {
                    if (call.offset() == 0 && !idOfInode.containsKey(call.inode())) {
                        throw new IOException("the process opened " + call.path() + ", a file the power-loss model "
                                + "never saw created (call " + call.sequence() + ")");
                    }
                }
                case WRITE -> {
                    long id = id(call);
                    volatileContent.get(id).write(call.offset(), call.data());
                    if (!scratch.contains(id)) {
                        pending.add(new PendingJournal.Entry(PendingJournal.Entry.WRITE, null, null, id,
                                call.offset(), call.data(), null));
                    }
                }
                case TRUNCATE -> {
                    long id = id(call);
                    Content content = volatileContent.get(id);
                    int before = content.size;
                    content.resize(Math.toIntExact(call.offset()));
                    if (scratch.contains(id)) {
                        break;
                    }
                    if (call.offset() < before) {
                        pending.add(new PendingJournal.Entry(PendingJournal.Entry.TRUNCATE, null, null, id, null,
                                null, call.offset()));
                    } else if (call.offset() > before) {
                        // An extension reads as zeros: the same as a write of zeros up to the new size.
                        pending.add(new PendingJournal.Entry(PendingJournal.Entry.WRITE, null, null, id,
                                (long) before, new byte[Math.toIntExact(call.offset() - before)], null));
                    }
                }
                case FSYNC -> {
                    long id = id(call);
                    durableContent.put(id, volatileContent.get(id).bytes());
                    pending.removeIf(entry -> entry.isData() && entry.inode() == id);
                }
                case DIRSYNC -> {
                    String directory = modelPath(call.path());
                    durableListings.put(directory, new TreeMap<>(listing(directory, call)));
                    pending.removeIf(entry -> entry.touches(directory));
                }
                case RENAME -> {
                    String source = modelPath(call.path());
                    String target = modelPath(call.target());
                    Long moved = listing(PendingJournal.Entry.parent(source), call)
                            .remove(PendingJournal.Entry.name(source));
                    if (moved == null) {
                        throw new IOException("the process renamed " + call.path() + ", which the power-loss model "
                                + "does not know (call " + call.sequence() + ")");
                    }
                    listing(PendingJournal.Entry.parent(target), call).put(PendingJournal.Entry.name(target), moved);
                    if (moved == DurableState.DIRECTORY) {
                        moveSubtree(source, target);
                    }
                    pending.add(new PendingJournal.Entry(PendingJournal.Entry.RENAME, source, target, null, null,
                            null, null));
                }
                case UNLINK, RMDIR -> {
                    String path = modelPath(call.path());
                    Long removed = listing(PendingJournal.Entry.parent(path), call)
                            .remove(PendingJournal.Entry.name(path));
                    if (removed != null && removed == DurableState.DIRECTORY) {
                        volatileListings.remove(path);
                    }
                    pending.add(new PendingJournal.Entry(PendingJournal.Entry.DELETE, path, null, null, null, null,
                            null));
                }
                case MKDIR -> {
                    String path = modelPath(call.path());
                    listing(PendingJournal.Entry.parent(path), call).put(PendingJournal.Entry.name(path),
                            DurableState.DIRECTORY);
                    volatileListings.put(path, new TreeMap<>());
                    pending.add(new PendingJournal.Entry(PendingJournal.Entry.MKDIR, path, null, null, null, null,
                            null));
                }
                case SYNCALL -> {
                    durableListings.clear();
                    volatileListings.forEach((directory, entries) -> durableListings.put(directory,
                            new TreeMap<>(entries)));
                    volatileContent.forEach((id, content) -> durableContent.put(id, content.bytes()));
                    pending.clear();
                }
                case UNSUPPORTED, MARK, FAULT -> {
                    // Marks and faults change nothing; what the model cannot follow was refused before the replay.
                }
                default -> throw new IllegalStateException("unknown journal record " + call.kind());
            }
        }

        private void noteScratch(long id, String path) {
            if (SCRATCH_SUFFIXES.stream().anyMatch(path::endsWith)) {
                scratch.add(id);
            }
        }

        private long id(SyscallJournal.Call call) throws IOException {
            Long id = idOfInode.get(call.inode());
            if (id == null) {
                throw new IOException("call " + call.sequence() + " (" + call.describe() + ") concerns inode "
                        + call.inode() + ", which the power-loss model never saw opened or created");
            }
            return id;
        }

        private TreeMap<String, Long> listing(String directory, SyscallJournal.Call call) throws IOException {
            TreeMap<String, Long> entries = volatileListings.get(directory);
            if (entries == null) {
                throw new IOException("call " + call.sequence() + " (" + call.describe() + ") concerns the directory "
                        + directory + ", which the power-loss model does not know");
            }
            return entries;
        }

        private void moveSubtree(String source, String target) {
            TreeMap<String, TreeMap<String, Long>> moved = new TreeMap<>();
            volatileListings.entrySet().removeIf(entry -> {
                String key = entry.getKey();
                if (key.equals(source) || key.startsWith(source + "/")) {
                    moved.put(target + key.substring(source.length()), entry.getValue());
                    return true;
                }
                return false;
            });
            volatileListings.putAll(moved);
        }
    }

    /** A growable file content. */
    private static final class Content {
        private byte[] bytes;
        private int size;

        Content(byte[] initial) {
            bytes = initial.clone();
            size = initial.length;
        }

        void write(long offset, byte[] data) {
            int start = Math.toIntExact(offset);
            int end = Math.addExact(start, data.length);
            ensure(end);
            System.arraycopy(data, 0, bytes, start, data.length);
            size = Math.max(size, end);
        }

        void resize(int newSize) {
            ensure(newSize);
            if (newSize < size) {
                Arrays.fill(bytes, newSize, size, (byte) 0);
            }
            size = newSize;
        }

        private void ensure(int capacity) {
            if (capacity > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(capacity, bytes.length * 2));
            }
        }

        byte[] bytes() {
            return Arrays.copyOf(bytes, size);
        }
    }
}
