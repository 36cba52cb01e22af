package io.indexgate.harness.nemesis;

import io.indexgate.harness.powerloss.FileSystemShim;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A fault below the JVM: what the preloaded file-system library does at one or more numbered file-system calls of a
 * child under the data directory (see {@link FileSystemShim}): for example an EIO instead of one fsync of SQLite's
 * write-ahead log, then a crash before a later call.
 *
 * @param strikes the calls struck, in the order of their numbers
 */
public record SyscallFault(List<Strike> strikes) {

    /**
     * One struck call.
     *
     * @param action   what the library does there
     * @param call     which call, numbered from 1 in the order the child makes them
     * @param expected the call as the tracer saw it ({@link
     *                 io.indexgate.harness.powerloss.SyscallJournal.Call#site()}): a strike on another call means the
     *                 child did not repeat the traced run, and the run is a harness error rather than a test of the
     *                 wrong point
     */
    public record Strike(FileSystemShim.Action action, long call, String expected) {

        public Strike {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(expected, "expected");
            if (call < 1) {
                throw new IllegalArgumentException("calls are numbered from 1, not " + call);
            }
        }
    }

    public SyscallFault {
        strikes = List.copyOf(strikes);
        if (strikes.isEmpty()) {
            throw new IllegalArgumentException("a file-system fault strikes at least one call");
        }
        for (int i = 1; i < strikes.size(); i++) {
            if (strikes.get(i).call() <= strikes.get(i - 1).call()) {
                throw new IllegalArgumentException("the strikes of a file-system fault go in call order: " + strikes);
            }
        }
    }

    /** One strike. */
    public static SyscallFault of(FileSystemShim.Action action, long call, String expected) {
        return new SyscallFault(List.of(new Strike(action, call, expected)));
    }

    /** The value of the library's fault variable: {@code <action>:<call>[,...]}. */
    public String variable() {
        return strikes.stream().map(strike -> strike.action().wire() + ":" + strike.call())
                .collect(Collectors.joining(","));
    }
}
