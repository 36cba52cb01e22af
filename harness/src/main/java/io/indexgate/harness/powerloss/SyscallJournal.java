package io.indexgate.harness.powerloss;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The journal that the preloaded file-system library ({@code libindexgate_fsmodel.so}, see {@link FileSystemShim})
 * writes in a process under test: one record per file-system call under the data directory that changes something or
 * makes a change durable, in the order the calls returned, with the bytes of every write. Its format is specified in
 * the library's source ({@code harness/src/main/native/fsmodel.c}); this class reads it, and writes the one kind of
 * record that the harness's own workload adds, {@link Kind#MARK}, which names the operation that the next calls belong
 * to. Thread-safe (stateless).
 */
public final class SyscallJournal {

    private static final int HEADER = 44;

    private SyscallJournal() {
    }

    /** What a record is. */
    public enum Kind {
        CREATE(1, true), WRITE(2, true), TRUNCATE(3, true), FSYNC(4, true), DIRSYNC(5, true), RENAME(6, true),
        UNLINK(7, true), MKDIR(8, true), RMDIR(9, true), SYNCALL(10, true),
        /** A file or directory opened (not a change): its inode, for following it. */
        OPEN(20, false),
        /** Text that the program under test wrote: which operation the calls after it belong to. */
        MARK(21, false),
        /** A fault the library injected (its description). */
        FAULT(22, false),
        /** Something the model cannot follow (its description): a run that meets one is refused. */
        UNSUPPORTED(23, false);

        private final int code;
        private final boolean call;

        Kind(int code, boolean call) {
            this.code = code;
            this.call = call;
        }

        /** Whether this is a journaled call: one that has a sequence number of its own and can be a crash point. */
        public boolean isCall() {
            return call;
        }

        static Kind of(int code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown journal record kind " + code);
        }
    }

    /**
     * One record.
     *
     * @param kind     what it is
     * @param sequence for a call, its number among the process's calls (from 1); otherwise the last call's number
     * @param inode    the real inode of the file a create, open, write, truncate or force concerns
     * @param offset   where a write starts, the size a truncate leaves; for an open, 1 if it opened a directory; for
     *                 a fault, the kind of the call it struck
     * @param path     the path relative to the data directory ("" is the directory itself), or null (a mark, a sync
     *                 of everything); for a fault, the struck call's
     * @param target   the new name of a rename, or null
     * @param data     the bytes a write wrote, the text of a mark, fault or unsupported record; never null
     */
    public record Call(Kind kind, long sequence, long inode, long offset, String path, String target, byte[] data) {

        /** The text of a mark, fault or unsupported record. */
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        /**
         * The call as people name it, with temp-file names generalized so that two runs of the same workload name a
         * call alike: for example {@code fsync store.db-wal} or {@code write indexes/harness-docs.hnswlib.index.*.tmp}.
         */
        public String describe() {
            String name = switch (kind) {
                case DIRSYNC -> "fsync-directory";
                default -> kind.name().toLowerCase(Locale.ROOT);
            };
            String where = path == null ? "" : path.isEmpty() ? "(the data directory)" : general(path);
            return name + (where.isEmpty() ? "" : " " + where) + (target == null ? "" : " -> " + general(target));
        }

        /**
         * Where a crash point strikes, as stable across runs as {@link #describe()} but without a rename's target:
         * the kind and the generalized path, for example {@code fsync store.db-wal}.
         */
        public String site() {
            return site(kind, path);
        }

        /** For a {@link Kind#FAULT} record: the {@link #site()} of the call it struck. */
        public String struckSite() {
            if (kind != Kind.FAULT) {
                throw new IllegalStateException("not a fault record: " + this);
            }
            return site(Kind.of((int) offset), path);
        }

        private static String site(Kind kind, String path) {
            String name = kind == Kind.DIRSYNC ? "fsync-directory" : kind.name().toLowerCase(Locale.ROOT);
            return name + " " + (path == null || path.isEmpty() ? "(the data directory)" : general(path));
        }

        private static String general(String path) {
            return generalTemp(path, ".*.tmp");
        }
    }

    /** {@code path} with a temp file's random part ({@code <name>.<random>.tmp}) replaced by {@code replacement}. */
    public static String generalTemp(String path, String replacement) {
        return path.replaceAll("\\.[A-Za-z0-9_-]{6,}\\.tmp$", replacement);
    }

    /**
     * Checks that the model can follow every call of a journal.
     *
     * @param source where the calls come from, for the message (the journal)
     * @throws IOException naming the first record of kind {@link Kind#UNSUPPORTED} (what the process did) and
     *                     {@code source}
     */
    public static void requireFollowable(List<Call> calls, Object source) throws IOException {
        for (Call call : calls) {
            if (call.kind() == Kind.UNSUPPORTED) {
                throw new IOException("the process did something the power-loss model cannot follow: " + call.text()
                        + " (" + call.path() + ", after call " + call.sequence() + "); see " + source);
            }
        }
    }

    /**
     * Reads a journal. A record cut short at the end (the process died while the library wrote it) ends the journal:
     * that call had not returned.
     *
     * @throws IOException if a record is malformed anywhere but at the end
     */
    public static List<Call> read(Path journal) throws IOException {
        List<Call> calls = new ArrayList<>();
        if (!Files.exists(journal)) {
            return calls;
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(journal)).order(ByteOrder.LITTLE_ENDIAN);
        while (bytes.remaining() >= 4) {
            int start = bytes.position();
            int length = bytes.getInt();
            if (length < HEADER - 4) {
                throw new IOException("malformed record at byte " + start + " of " + journal + ": length " + length);
            }
            if (bytes.remaining() < length) {
                break;
            }
            int kindCode = bytes.get() & 0xff;
            bytes.position(bytes.position() + 3);
            long sequence = bytes.getLong();
            long inode = bytes.getLong();
            long offset = bytes.getLong();
            int pathLength = bytes.getInt();
            int targetLength = bytes.getInt();
            int dataLength = bytes.getInt();
            if ((long) pathLength + targetLength + dataLength != length - (HEADER - 4)) {
                throw new IOException("malformed record at byte " + start + " of " + journal + ": lengths "
                        + pathLength + "+" + targetLength + "+" + dataLength + " in a record of " + length);
            }
            Kind kind;
            try {
                kind = Kind.of(kindCode);
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage() + " at byte " + start + " of " + journal, e);
            }
            String path = string(bytes, pathLength);
            String target = targetLength == 0 ? null : string(bytes, targetLength);
            byte[] data = new byte[dataLength];
            bytes.get(data);
            boolean hasPath = kind != Kind.SYNCALL && kind != Kind.MARK;
            calls.add(new Call(kind, sequence, inode, offset, hasPath ? path : null, target, data));
        }
        return calls;
    }

    private static String string(ByteBuffer bytes, int length) {
        byte[] text = new byte[length];
        bytes.get(text);
        return new String(text, StandardCharsets.UTF_8);
    }

    /**
     * Appends {@link Kind#MARK} records to a journal the library writes too: both open it with {@code O_APPEND}, so
     * each record lands whole, in the order of the calls. Opened once, kept open; not thread-safe (the workload marks
     * from one thread, under its protocol lock).
     */
    public static final class Marker {
        private final Path journal;
        private java.io.OutputStream out;

        public Marker(Path journal) {
            this.journal = journal;
        }

        /** Marks {@code text} at this point of the journal. */
        public void mark(String text) throws IOException {
            if (out == null) {
                out = Files.newOutputStream(journal, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                        StandardOpenOption.WRITE);
            }
            out.write(encode(Kind.MARK, 0, 0, 0, null, null, text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** One record in the journal's format. */
    static byte[] encode(Kind kind, long sequence, long inode, long offset, String path, String target, byte[] data) {
        byte[] pathBytes = path == null ? new byte[0] : path.getBytes(StandardCharsets.UTF_8);
        byte[] targetBytes = target == null ? new byte[0] : target.getBytes(StandardCharsets.UTF_8);
        byte[] dataBytes = data == null ? new byte[0] : data;
        int total = HEADER + pathBytes.length + targetBytes.length + dataBytes.length;
        ByteBuffer record = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt(total - 4).put((byte) kind.code).put((byte) 0).putShort((short) 0).putLong(sequence)
                .putLong(inode).putLong(offset).putInt(pathBytes.length).putInt(targetBytes.length)
                .putInt(dataBytes.length).put(pathBytes).put(targetBytes).put(dataBytes);
        return record.array();
    }
}
