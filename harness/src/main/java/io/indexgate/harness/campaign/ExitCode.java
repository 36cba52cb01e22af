package io.indexgate.harness.campaign;

/**
 * The exit codes of the {@code indexgate} command, for CI systems: only {@link #VALID} passes; {@link #VIOLATION}
 * is a durability bug found (never "retry"); {@link #HARNESS_FAILURE} means the harness itself could not decide.
 */
public enum ExitCode {
    /** Every run valid (or, for {@code inspect}, every collection consistent). */
    VALID(0),
    /** A checker rule was broken (or, for {@code inspect}, a collection is inconsistent). */
    VIOLATION(1),
    /** No violation, but the harness failed somewhere: bad arguments, a child that failed, a fault that never struck. */
    HARNESS_FAILURE(2),
    /** {@code inspect}: a collection's index cannot be loaded. */
    UNLOADABLE(3);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    /** The process exit status. */
    public int code() {
        return code;
    }

    /** The verdict word of reports: {@code valid}, {@code invalid}, {@code harness-error} or {@code unloadable}. */
    public String verdict() {
        return switch (this) {
            case VALID -> "valid";
            case VIOLATION -> "invalid";
            case HARNESS_FAILURE -> "harness-error";
            case UNLOADABLE -> "unloadable";
        };
    }
}
