package io.indexgate.harness.workload;

/** How a workload child ends, as its process exit status, which the parent reads. */
public enum ChildExit {
    /** It ran its operations and shut down cleanly (or an intruder reported its outcome). */
    CLEAN(0),
    /** Its arguments were wrong. */
    USAGE(2),
    /** The store could not be opened; the recovery report says why. */
    STORE_NOT_OPENED(3),
    /** A fault rule halted it, or it was killed (SIGKILL is 128 + 9). */
    HALTED(137);

    private final int status;

    ChildExit(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The exit of {@code status}, or null if a child never exits so (a crash of the JVM itself, for example). */
    public static ChildExit of(int status) {
        for (ChildExit exit : values()) {
            if (exit.status == status) {
                return exit;
            }
        }
        return null;
    }
}
