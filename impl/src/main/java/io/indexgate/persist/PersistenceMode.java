package io.indexgate.persist;

import java.util.Locale;

/**
 * How an index file is written. {@link #ATOMIC} is the reference protocol and the only mode for production use; the
 * others exist so that the fault-injection harness can show that it catches weaker protocols (negative controls).
 *
 * <p>A store chooses its mode in its configuration; the system property {@value #SYSTEM_PROPERTY} overrides that
 * choice so that a forked JVM can be started in a given mode.
 */
public enum PersistenceMode {
    /** Temp file, fsync, atomic rename, directory fsync: see {@link AtomicIndexWriter}. The default. */
    ATOMIC("atomic"),
    /** Test only: {@link #ATOMIC} without the directory fsync, so the rename may be lost on power loss. */
    ATOMIC_NO_DIR_SYNC("atomic-no-dir-sync"),
    /** Test only: {@link #ATOMIC} without the fsync of the temp file, so the rename may reach disk before the data. */
    ATOMIC_NO_FILE_SYNC("atomic-no-file-sync"),
    /**
     * Test only: {@link #ATOMIC} with the fsync of the file moved after the rename (the file is forced under its new
     * name, then the directory). A process crash cannot tell it from {@link #ATOMIC}, nor can a power cut that keeps
     * only forced state; a file system that persists the rename before the data (ext4 {@code data=writeback}, XFS)
     * leaves a torn index under the target name.
     */
    ATOMIC_FORCE_AFTER_RENAME("atomic-force-after-rename"),
    /** Test only: truncate and write the target in place, the behaviour before the fix; a crash tears the file. */
    DIRECT("direct");

    /** The system property that overrides the configured mode, with a value such as {@code atomic-no-dir-sync}. */
    public static final String SYSTEM_PROPERTY = "indexgate.persistence.mode";

    private final String cliName;

    PersistenceMode(String cliName) {
        this.cliName = cliName;
    }

    /** The lower-case, hyphenated name used on command lines and in the system property. */
    public String cliName() {
        return cliName;
    }

    /**
     * Parses a mode from its command-line name ({@code atomic-no-dir-sync}) or its constant name
     * ({@code ATOMIC_NO_DIR_SYNC}), ignoring case.
     *
     * @throws IllegalArgumentException naming the valid values when {@code text} is none of them
     */
    public static PersistenceMode parse(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (PersistenceMode mode : values()) {
            if (mode.cliName.equals(wanted)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown persistence mode '" + text + "'; expected one of " + String.join(
                ", ", java.util.Arrays.stream(values()).map(PersistenceMode::cliName).toList()));
    }

    /** The mode in force: the system property {@value #SYSTEM_PROPERTY} if it is set, else {@code configured}. */
    public static PersistenceMode resolve(PersistenceMode configured) {
        String override = System.getProperty(SYSTEM_PROPERTY);
        if (override == null || override.isBlank()) {
            return configured;
        }
        return parse(override);
    }

    /** Whether the temp is forced before the rename. */
    boolean syncsFile() {
        return this == ATOMIC || this == ATOMIC_NO_DIR_SYNC || this == DIRECT;
    }

    /** Whether the directory is forced after the rename. */
    boolean syncsDirectory() {
        return this == ATOMIC || this == ATOMIC_NO_FILE_SYNC || this == ATOMIC_FORCE_AFTER_RENAME;
    }
}
