package io.indexgate.harness.powerloss;

import io.indexgate.engine.NativeLibraryCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The preloaded library that puts a process's file-system calls under the power-loss model
 * ({@code libindexgate_fsmodel.so}, built from {@code harness/src/main/native/fsmodel.c} into the harness jar): for
 * every path under one directory it journals each call that changes a file or makes a change durable
 * ({@link SyscallJournal}), and it can inject a fault at the N-th such call: a crash before or after it, a torn write,
 * or an error (EIO, ENOSPC) instead of it. It works below the language: a JVM (the JDK's file I/O and SQLite's native
 * code alike) or any other program linked against glibc. Thread-safe (stateless).
 */
public final class FileSystemShim {

    /** The directory whose files are modelled (absolute, canonical). */
    public static final String ROOT_VARIABLE = "INDEXGATE_FS_ROOT";
    /** The journal the library appends to (absent: nothing is journaled, faults still strike). */
    public static final String JOURNAL_VARIABLE = "INDEXGATE_FS_JOURNAL";
    /** The fault, {@code <action>:<call number>}, or several separated by commas; see {@link Action}. */
    public static final String FAULT_VARIABLE = "INDEXGATE_FS_FAULT";

    private static final String RESOURCE = "/native/linux-x86_64/libindexgate_fsmodel.so";
    private static final String FILE_NAME = "libindexgate_fsmodel.so";

    private FileSystemShim() {
    }

    /** What the library does at the call it strikes. */
    public enum Action {
        /** SIGKILL before the call: it never happened. */
        BEFORE,
        /** The call, then SIGKILL. */
        AFTER,
        /** Half the bytes of a write reach the file, then SIGKILL. */
        TORN,
        /** The call fails with EIO, and the process goes on. */
        EIO,
        /** The call fails with ENOSPC, and the process goes on. */
        ENOSPC;

        /** The name in the fault variable and in scenario names. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether the process dies at the call. */
        public boolean crashes() {
            return this == BEFORE || this == AFTER || this == TORN;
        }
    }

    /**
     * Why the library cannot run here, or null if it can: it is built for Linux on x86-64 with glibc (it interposes
     * glibc's functions through {@code LD_PRELOAD}).
     */
    public static String unavailableReason() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "the file-system model below the JVM runs on Linux x86-64 only (LD_PRELOAD of a glibc library), "
                    + "not on " + os + " " + arch;
        }
        if (FileSystemShim.class.getResource(RESOURCE) == null) {
            return "the harness was built without its file-system library (" + RESOURCE + " is missing)";
        }
        return null;
    }

    /** The library's path in the shared native-library cache, extracted now if needed. */
    public static Path library() throws IOException {
        String reason = unavailableReason();
        if (reason != null) {
            throw new IOException(reason);
        }
        return NativeLibraryCache.extract(FileSystemShim.class, RESOURCE, FILE_NAME);
    }

    /**
     * The environment that puts a process under the library.
     *
     * @param library the library's path ({@link #library()})
     * @param root    the directory whose files are modelled; its real path is used
     * @param journal where the calls are journaled, or null
     * @param fault   the fault variable's value ({@code <action>:<call>[,...]}), or null for none
     */
    public static Map<String, String> environment(Path library, Path root, Path journal, String fault)
            throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("LD_PRELOAD", library.toString());
        environment.put(ROOT_VARIABLE, root.toRealPath().toString());
        if (journal != null) {
            environment.put(JOURNAL_VARIABLE, journal.toAbsolutePath().toString());
        }
        if (fault != null) {
            environment.put(FAULT_VARIABLE, fault);
        }
        return environment;
    }
}
