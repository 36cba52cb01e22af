package io.indexgate.harness.powerloss;

import java.util.Locale;

/** Which files a simulated power cut reaches, and by which mechanism. */
public enum PowerLossScope {
    /**
     * Every file of the data directory: SQLite's database, its write-ahead log and shared memory, the lock file and
     * the index files. The children run under the preloaded file-system library ({@link FileSystemShim}), which
     * journals every call below the JVM, the JDK's and SQLite's native code alike; the harness replays the journal
     * ({@link SyscallModel}). Linux x86-64 with glibc only. The default.
     */
    ALL("all"),
    /**
     * The index directory only, on the {@code java.nio} simulation ({@link PowerLossFileSystem}) inside the child;
     * SQLite's files stay on the real disk and count as durable. Runs wherever Java does.
     */
    INDEX("index");

    private final String cliName;

    PowerLossScope(String cliName) {
        this.cliName = cliName;
    }

    /** The name on command lines and in the child's system property. */
    public String cliName() {
        return cliName;
    }

    /**
     * Parses a scope from its name, ignoring case.
     *
     * @throws IllegalArgumentException naming the valid values
     */
    public static PowerLossScope parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (PowerLossScope scope : values()) {
            if (scope.cliName.equals(wanted)) {
                return scope;
            }
        }
        throw new IllegalArgumentException("unknown power-loss scope '" + text + "'; expected all or index");
    }
}
