package io.indexgate.testing;

import java.util.Locale;

/**
 * How index files are written in this JVM. {@link #ATOMIC} is the reference protocol and the only one production
 * code ever uses: no store or engine option, configuration or system property selects another. The weakened modes
 * exist only as negative controls, so that the fault-injection harness and the tests can show that the gate catches
 * weaker protocols; a test or the harness's child JVM installs one for the whole JVM with {@link #install}, and
 * {@link io.indexgate.persist.AtomicIndexWriter} reads {@link #installed()} on every save.
 */
public enum PersistenceMode {
    /** Temp file, fsync, atomic rename, directory fsync: see {@link io.indexgate.persist.AtomicIndexWriter}. */
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

    /** The mode of every save of this JVM; {@link #ATOMIC} unless a negative control installed another. */
    private static volatile PersistenceMode installed = ATOMIC;

    private final String cliName;

    PersistenceMode(String cliName) {
        this.cliName = cliName;
    }

    /** The lower-case, hyphenated name used on command lines. */
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

    /**
     * Makes every save of this JVM use {@code mode}, until another is installed: for a negative control (a test, or
     * the harness's child JVM, which gets its mode as a program argument). Installing {@link #ATOMIC} restores the
     * reference.
     */
    public static void install(PersistenceMode mode) {
        installed = java.util.Objects.requireNonNull(mode, "mode");
    }

    /** The mode every save of this JVM uses now. */
    public static PersistenceMode installed() {
        return installed;
    }

    /** Whether the temp is forced before the rename. */
    public boolean forcesFileBeforeRename() {
        return this == ATOMIC || this == ATOMIC_NO_DIR_SYNC || this == DIRECT;
    }

    /** Whether the directory is forced after the rename. */
    public boolean forcesDirectory() {
        return this == ATOMIC || this == ATOMIC_NO_FILE_SYNC || this == ATOMIC_FORCE_AFTER_RENAME;
    }
}
