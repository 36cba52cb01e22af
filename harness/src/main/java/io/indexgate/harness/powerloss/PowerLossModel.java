package io.indexgate.harness.powerloss;

import java.util.Locale;

/**
 * What survives a simulated power cut. The models nest: every crash state of {@link #PESSIMISTIC} is also one of
 * {@link #REORDER}, so whatever the first catches the second catches too.
 */
public enum PowerLossModel {
    /** No simulation: the index directory is on the real disk, and a halt or kill is a process crash. */
    NONE("none"),
    /**
     * Only forced state survives: file data when the file is forced, a directory entry when its directory is forced
     * (Lucene's {@code MockDirectoryWrapper.crash()}, LazyFS's default). One crash state per cut.
     */
    PESSIMISTIC("pessimistic"),
    /**
     * The forced state, plus any subset of the operations since the last forces that a real file system may have
     * persisted out of order (ALICE's abstract persistence model, enumerated the way CrashMonkey's ACE bounds it):
     * directory operations (create, rename, delete, mkdir) persist as a prefix of their program order, as a journal
     * commits them; the unforced writes of each file persist independently of the metadata and of each other, and a
     * write that spans pages may persist only its first half. So a rename can reach the disk before the data it names
     * (ext4 {@code data=writeback}, XFS, btrfs), and a later write can land while an earlier one is lost. Every cut a
     * child meets is explored, by a child without the scenario's rules: each distinct crash state (up to
     * {@link CrashStates#DEFAULT_LIMIT}, and the events say when the limit cut a cut short) is recovered and checked,
     * and the run goes on from one of them chosen by the seed. (A cut the parent meets before it damages a file at
     * rest is settled on a seeded state without exploring it.)
     */
    REORDER("reorder");

    private final String cliName;

    PowerLossModel(String cliName) {
        this.cliName = cliName;
    }

    /** The name on command lines and in the child's system property. */
    public String cliName() {
        return cliName;
    }

    /** Whether the index directory is on the simulation. */
    public boolean simulated() {
        return this != NONE;
    }

    /**
     * Parses a model from its name, ignoring case; {@code true} and {@code false} are accepted for the boolean flag
     * of earlier versions.
     *
     * @throws IllegalArgumentException naming the valid values
     */
    public static PowerLossModel parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        switch (wanted) {
            case "true" -> {
                return PESSIMISTIC;
            }
            case "false", "" -> {
                return NONE;
            }
            default -> {
                for (PowerLossModel model : values()) {
                    if (model.cliName.equals(wanted)) {
                        return model;
                    }
                }
                throw new IllegalArgumentException("unknown power-loss model '" + text
                        + "'; expected one of pessimistic, reorder (or none)");
            }
        }
    }
}
